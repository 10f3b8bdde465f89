/** Log lines in redis-server's format (`pid:M 06 Dec 2026 07:28:23.459 # message`, `#` = warning). */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A warning-level line, as Redis's serverLog(LL_WARNING, …) writes it. */
export function redisLogLine(message: string, now = new Date()): string {
  const date = `${pad(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
  return `${process.pid}:M ${date} ${time} # ${message}`;
}
