#!/usr/bin/env bash
# The README's CLI workflow, verbatim (tests/cli/test_walkthrough.py checks both and runs it).
set -euo pipefail
export RPC=${RPC:-http://127.0.0.1:8545}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

park-ledger status --rpc $RPC
park-ledger demo --rpc $RPC     # the digital heritage exhibition example in one go; re-runnable

# The same by hand. dev:N are the dev accounts of a local chain (use a keystore address from
# `park-ledger keys new` or a key file elsewhere): dev:0 is the park operator (deployer),
# dev:6/7/8 a studio, a lab and a firm, dev:9 a ticket buyer.
STUDIO=0x976EA74026E726554dB657fA54763abd0C3a0aa9
LAB=0x14dC79964da2C08b23698B3D3cc7Ca32193d9955
FIRM=0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f
park-ledger participants grant-role registrar 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --as dev:0 --rpc $RPC
park-ledger participants register $STUDIO --kind design_studio --profile "Lantern Design" --as dev:0 --rpc $RPC
park-ledger participants register $LAB --kind university --profile "Heritage Lab" --as dev:0 --rpc $RPC
park-ledger participants register $FIRM --kind firm --profile "Tianhe Interactive" --as dev:0 --rpc $RPC

AID=$(park-ledger agreements propose --party $STUDIO:5000 --party $LAB:3000 --party $FIRM:2000 \
      --terms "exhibition terms v1" --fund-share 500 --as dev:6 --rpc $RPC --json | field agreement_id)
park-ledger sign consent $AID --as dev:7 --rpc $RPC > lab-consent.json     # EIP-712, offline
park-ledger sign consent $AID --as dev:8 --rpc $RPC > firm-consent.json
park-ledger agreements consent $AID --signatures lab-consent.json firm-consent.json --as dev:0 --rpc $RPC

printf 'kind,weight,evidence,ai,accountable\ndesign,40,hall layout,,\ncontent_ip,25,AI-assisted renders,assisted,%s\n' $STUDIO > work.csv
set -- $(park-ledger contributions record-batch $AID work.csv --as dev:6 --rpc $RPC --json \
         | python3 -c "import json,sys; print(*json.load(sys.stdin)['record_ids'])")
R1=$1; R2=$2                                                                 # the two record ids
park-ledger contributions show $AID --rpc $RPC
park-ledger contributions confirm $AID $R1 --as dev:7 --rpc $RPC
park-ledger contributions dispute $AID $R2 --reason "the renders were the lab's" --as dev:7 --rpc $RPC
PID=$(park-ledger proposals propose-resolve-dispute $AID $R2 --outcome accept_with_weight --weight 10 \
      --as dev:7 --rpc $RPC --json | field proposal_id)
for who in dev:7 dev:8; do park-ledger proposals vote $PID --support for --as $who --rpc $RPC; done  # not dev:6, the accused
park-ledger proposals execute $PID --as dev:0 --rpc $RPC

park-ledger revenue deposit $AID --amount 2ether --as dev:9 --rpc $RPC
park-ledger revenue claim $AID --as dev:6 --rpc $RPC
park-ledger revenue claim $AID --fund --as dev:0 --rpc $RPC
park-ledger revenue balance $AID --rpc $RPC
CID=$(park-ledger commitments commit $AID --kind cultural_heritage_care --description "host the scans 5 years" \
      --deadline-days 30 --bond 0.5ether --as dev:8 --rpc $RPC --json | field commitment_id)
park-ledger commitments submit $AID $CID --deliverable "hosting contract" --as dev:8 --rpc $RPC
park-ledger agreements show $AID --rpc $RPC
