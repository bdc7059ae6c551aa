const s = 'AAAAAAAAAADuDAmPVO3qP0a00er2GO0/W9W2bTgQwj+uHtzduTfovzOZ4PWBr+6/wKKwivHh0b8ICm3CCAblPwAAAAAAAPA/';
const buf = Buffer.from('xxxx' + s + 'yyyy');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const F = new Int32Array(256).fill(-1), S = new Int32Array(256).fill(-1), T = new Int32Array(256).fill(-1), U = new Int32Array(256).fill(-1);
for (let i = 0; i < 64; i++) { const c = ALPHABET.charCodeAt(i); F[c] = i << 18; S[c] = i << 12; T[c] = i << 6; U[c] = i; }
const out = new Uint8Array(256); const outB = Buffer.alloc(256);
function js(bytes, start, end) { let o = 0; for (let i = start; i < end; i += 4) { const v = F[bytes[i]] | S[bytes[i + 1]] | T[bytes[i + 2]] | U[bytes[i + 3]]; if (v < 0) return false; out[o] = v >> 16; out[o + 1] = v >> 8; out[o + 2] = v; o += 3; } return true; }
function nat(bytes, start, end) { const str = bytes.latin1Slice(start, end); return outB.base64Write(str, 0, 72) === 72; }
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
for (let r = 0; r < 3; r++) for (const [n, f] of [['js', js], ['native', nat]]) { const c0 = cpu(); let k = 0; for (let i = 0; i < 2e6; i++) if (f(buf, 4, 100)) k++; console.log(n, ((cpu() - c0) * 1000 / 2e6).toFixed(1), 'ns'); }
