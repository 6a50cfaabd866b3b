#!/usr/bin/env bash
# The curl walk-through of docs/api.md, verbatim (tests/api/test_walkthrough_api.py checks both
# and runs it against `park-ledger serve`).
set -euo pipefail
API=${API:-http://127.0.0.1:8000}   # `make run` (or `park-ledger serve`) listens here
RPC=${RPC:-http://127.0.0.1:8545}   # its node: what a party sends on chain itself goes there
# The dev accounts of the README's table (a local chain only): the studio, the lab, the firm.
PARTY1=0x976EA74026E726554dB657fA54763abd0C3a0aa9
KEY1=0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e
PARTY2=0x14dC79964da2C08b23698B3D3cc7Ca32193d9955
KEY2=0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356
PARTY3=0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f
KEY3=0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97
# sign KEY < typed-data.json prints the eth_signTypedData_v4 signature (a wallet does this)
sign() { python3 -c 'import json,sys; from eth_account import Account; from eth_account.messages import encode_typed_data as e
print("0x" + Account.sign_message(e(full_message=json.load(sys.stdin)), sys.argv[1]).signature.hex())' "$1"; }
# until_confirmed ENTRY TOKEN waits until the relayer's outbox entry is mined and indexed
until_confirmed() { for _ in $(seq 120); do
  S=$(curl -s $API/outbox/$1 -H "Authorization: Bearer $2" | jq -r .status)
  case $S in confirmed) return;; queued|sent|mined) sleep 1;; *) echo "entry $1: $S" >&2; return 1;; esac
  done; return 1; }
curl -s $API/ready | jq .contracts                       # the deployed suite

# 1. the registrar registers the parties and the studio proposes, on chain (their own wallets)
park-ledger participants grant-role registrar 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --as dev:0 --rpc $RPC
for P in $PARTY1 $PARTY2 $PARTY3; do
  park-ledger participants register $P --kind firm --profile "member $P" --as dev:0 --rpc $RPC; done
AID=$(park-ledger agreements propose --party $PARTY1:5000 --party $PARTY2:3000 --party $PARTY3:2000 \
      --terms "exhibition terms v1" --fund-share 500 --as dev:6 --rpc $RPC --json | jq -r .agreement_id)

# 2. sign in (private reads): challenge → personal_sign → token
token() { curl -s -X POST $API/auth/challenge -H 'content-type: application/json' \
            -d "{\"address\":\"$1\"}" | jq -r .message > msg.txt
  SIG=$(python3 -c 'import sys; from eth_account import Account; from eth_account.messages import encode_defunct as d
print("0x" + Account.sign_message(d(text=open("msg.txt").read()), sys.argv[1]).signature.hex())' "$2")
  jq -n --rawfile m msg.txt --arg s $SIG '{message:$m,signature:$s}' \
    | curl -s -X POST $API/auth/token -H 'content-type: application/json' -d @- | jq -r .token; }
TOKEN2=$(token $PARTY2 $KEY2)
TOKEN3=$(token $PARTY3 $KEY3)
curl -s $API/auth/me -H "Authorization: Bearer $TOKEN2" | jq .address

# 3. read participants and agreements (the index follows the chain within a second or two)
until curl -s "$API/agreements/$AID" | jq -e .status > /dev/null; do sleep 1; done
curl -s "$API/participants?status=Active&limit=10" | jq '.items[].account'
curl -s "$API/agreements?party=$PARTY1" | jq '.items[].agreement_id'

# 4. every other party signs its consent through the API; the relayer sends it
DEADLINE=$(( $(date +%s) + 3600 ))
for N in 2 3; do
  eval "PARTY=\$PARTY$N KEY=\$KEY$N TOKEN=\$TOKEN$N"
  curl -s "$API/agreements/$AID/consents/typed-data?signer=$PARTY&deadline=$DEADLINE" > consent.json
  jq -n --arg p $PARTY --argjson n $(jq .message.nonce consent.json) --argjson d $DEADLINE \
        --arg s $(sign $KEY < consent.json) '{signer:$p,nonce:$n,deadline:$d,signature:$s}' \
    | curl -s -X POST $API/agreements/$AID/consents -H 'content-type: application/json' \
           -H "Idempotency-Key: consent-$PARTY-v1" -d @- > queued.json    # 202 Accepted
  until_confirmed $(jq .id queued.json) $TOKEN
done
curl -s $API/agreements/$AID | jq -r .status                              # Active

# 5. the studio records a contribution it signed; the API relays it
jq -n --arg a $AID --arg c $PARTY1 --argjson d $DEADLINE '{agreement_id:$a,contributor:$c,
  deadline:$d, records:[{kind:"Design",weight:30,evidence_hash:("0x" + "ab" * 32)}]}' > draft.json
curl -s -X POST $API/contributions/typed-data -H 'content-type: application/json' -d @draft.json > rec.json
jq --arg s $(sign $KEY1 < rec.json) --argjson n $(jq .message.nonce rec.json) \
   '. + {signature:$s, nonce:$n}' draft.json \
 | curl -s -X POST $API/contributions -H 'content-type: application/json' -d @- > queued.json
TOKEN1=$(token $PARTY1 $KEY1)
until_confirmed $(jq .id queued.json) $TOKEN1
curl -s "$API/contributions?agreement_id=$AID&status=Pending" | jq '.items[].record_id'

# 6. deposits, claims and commitments are sent by the parties themselves (GET /contracts for
#    the ABIs, or the CLI); the API shows the result
park-ledger revenue deposit $AID --amount 1ether --as dev:9 --rpc $RPC
until [ "$(curl -s "$API/agreements/$AID" | jq -r .revenue.deposited)" != 0 ]; do sleep 1; done
curl -s "$API/revenue/balances?agreement_id=$AID" | jq '.items'
