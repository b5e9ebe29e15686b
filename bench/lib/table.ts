// Prints benchmark rows as an aligned text table.

export type Cell = string | number | null | undefined;

function show(cell: Cell): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : cell.toFixed(cell < 10 ? 3 : 1);
  return cell;
}

export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers.map(String), ...rows.map((row) => row.map(show))];
  const widths = headers.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(text[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line)].join('\n');
}

export function printTable(title: string, headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  console.log(`\n${title}\n${formatTable(headers, rows)}\n`);
}
