// Function output on the service's stdout, where many functions and sluice's own JSON logs mix: every line says
// which function wrote it. A JSON object line (LogFormat JSON, or a handler writing JSON) gets a leading
// "function" member unless it has one (no duplicate keys); any other line gets a "[name] " prefix.
export class FunctionOutput {
  private atLineStart = true;

  constructor(
    private readonly name: string,
    private readonly write: (text: string) => void = (text) => void process.stdout.write(text),
  ) {}

  push(text: string): void {
    if (text === '') return;
    const parts = text.split('\n');
    const out = parts.map((part, i) => {
      const starts = i > 0 || this.atLineStart;
      const last = i === parts.length - 1;
      if (!starts || (last && part === '')) return part;
      return last ? `[${this.name}] ${part}` : this.line(part);
    });
    this.atLineStart = text.endsWith('\n');
    this.write(out.join('\n'));
  }

  private line(line: string): string {
    if (line.startsWith('{') && line.endsWith('}')) {
      try {
        const parsed: unknown = JSON.parse(line);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && !('function' in parsed))
          return JSON.stringify({ function: this.name, ...parsed });
        if (parsed !== null && typeof parsed === 'object') return line;
      } catch {
        // not JSON after all: prefixed below
      }
    }
    return `[${this.name}] ${line}`;
  }
}
