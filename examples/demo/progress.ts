/** A one-line progress bar (redrawn in place on a TTY, a few plain lines otherwise). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stdout): (done: number, total: number) => void {
  let lastPercent = -1;
  return (done, total) => {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (percent === lastPercent) return;
    lastPercent = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    const line = `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(percent).padStart(3)}% ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`;
    if (stream.isTTY) stream.write(`\r${line}${done >= total ? "\n" : ""}`);
    else if (percent % 25 === 0) stream.write(`${line}\n`);
  };
}
