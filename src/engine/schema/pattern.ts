/**
 * `constraints.pattern` is an XML Schema-style regex that must match the WHOLE value (Table
 * Schema), so it is anchored here rather than trusting authors to write ^…$.
 */
export function compilePattern(pattern: string): RegExp {
  const anchored = `^(?:${pattern})$`;
  try {
    // Unicode mode so that `.` and classes see characters, not UTF-16 halves.
    return new RegExp(anchored, 'u');
  } catch {
    // Unicode mode rejects harmless escapes such as `\-` outside classes that authors write
    // often; fall back to the legacy grammar before calling the pattern invalid.
    return new RegExp(anchored);
  }
}
