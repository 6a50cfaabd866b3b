// One way to show each kind of number, whatever the language (docs/dashboard.md):
// wei → ETH with every significant decimal, basis points → percent with two decimals,
// counts with thousands separators, times in UTC.

const WEI_PER_ETH = 10n ** 18n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const grouping = new Intl.NumberFormat("en-US");

export function count(value) {
  return grouping.format(Number(value));
}

// An exact token amount (decimal string): ETH for the native token, raw units otherwise.
export function amount(value, token = ZERO_ADDRESS) {
  const wei = BigInt(value ?? "0");
  const whole = wei / WEI_PER_ETH;
  const fraction = (wei % WEI_PER_ETH).toString().padStart(18, "0").replace(/0+$/, "");
  const digits = grouping.format(whole) + (fraction ? `.${fraction}` : "");
  return token === ZERO_ADDRESS ? `${digits} ETH` : `${digits} × 10⁻¹⁸ (${shortAddress(token)})`;
}

export function bps(value) {
  return `${(Number(value) / 100).toFixed(2)}%`;
}

export function time(unix) {
  if (unix === null || unix === undefined) return "—";
  return new Date(Number(unix) * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export function shortAddress(address) {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : "—";
}

export function shortHash(hash) {
  return hash ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : "—";
}
