/** A text progress bar with a count, on stderr: redrawn in place on a terminal, a line every tenth of the way otherwise. */
export interface Progress {
  add(n: number): void;
  done(): void;
}

const WIDTH = 30;

export function progressBar(label: string, total: number, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Progress {
  let count = 0;
  let shownTenth = -1;
  const line = () => {
    const filled = total ? Math.round((count / total) * WIDTH) : WIDTH;
    const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
    return `${label.padEnd(24)} [${bar}] ${count.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')}`;
  };
  const tenth = () => (total ? Math.floor((count / total) * 10) : 10);
  return {
    add(n: number) {
      count = Math.min(total, count + n);
      if (out.isTTY) out.write(`\r${line()}`);
      else if (tenth() > shownTenth) {
        shownTenth = tenth();
        out.write(`${line()}\n`);
      }
    },
    done() {
      if (out.isTTY) out.write(`\r${line()}\n`);
      else if (shownTenth < tenth() || shownTenth < 0) out.write(`${line()}\n`);
    },
  };
}
