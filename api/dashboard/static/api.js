// The public HTTP API, and the signed-in session (EIP-4361 through the browser wallet).

const SESSION_KEY = "park-ledger.session";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function session() {
  const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  if (saved && saved.expires_at * 1000 > Date.now()) return saved;
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const current = session();
  if (current) headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function get(path, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, value]) => value !== undefined && value !== null),
  ).toString();
  return request("GET", query ? `${path}?${query}` : path);
}

export function post(path, body) {
  return request("POST", path, body);
}

// Every item of a paged list (following next_cursor).
export async function all(path, params = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...params, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

export function hasWallet() {
  return typeof window.ethereum?.request === "function";
}

function utf8Hex(text) {
  return "0x" + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Sign-In with Ethereum: the wallet's account asks for a challenge, signs it (personal_sign)
// and trades the signature for a bearer token.
export async function signIn() {
  const [address] = await window.ethereum.request({ method: "eth_requestAccounts" });
  const challenge = await post("/auth/challenge", { address });
  const signature = await window.ethereum.request({
    method: "personal_sign",
    params: [utf8Hex(challenge.message), address],
  });
  const token = await post("/auth/token", { message: challenge.message, signature });
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(token));
  return token;
}

export function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
}
