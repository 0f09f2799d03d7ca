// The last line a command prints for a person: `ok: ...` or `failed: ...` with the counts that
// decided it, on standard output after the result, as `pulumi preview` ends with its "Resources:"
// summary and checkov with "Passed checks: N, Failed checks: M". Not under --json: the JSON carries
// the same counts, and standard output must stay one JSON document.
import { Palette } from "./colour";

/** `1 mandatory violation`, `2 mandatory violations`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
    return `${n} ${n === 1 ? singular : plural}`;
}

/** `ok: a, b` (green) or `failed: a, b` (red); the exit code says the same. */
export function verdictLine(ok: boolean, parts: readonly string[], palette: Palette): string {
    const word = ok ? palette.green("ok") : palette.red("failed");
    return `${word}: ${parts.join(", ")}`;
}
