/** The part of a writable stream that commands use: text out, and whether a person is watching. */
export interface OutputStream {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** Creates an output stream that collects text in memory, for tests. */
export function createMemoryStream(isTTY = false): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (text) => {
      chunks.push(text);
    },
    text: () => chunks.join(""),
  };
}
