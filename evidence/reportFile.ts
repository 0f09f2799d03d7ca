// Where a report is written. `--report FILE.md` writes that file, as before. `--report DIR/` (a
// path ending in a separator, or an existing directory) writes a new dated file into it,
// `verify-2026-11-26T12-41-01Z.md` or `plan-...md`, and never replaces an earlier one: a folder
// of dated `verify` reports is the evidence over time that an auditor asks for.
import * as fs from "fs";
import * as path from "path";
import { checkWritable, checkWritableFolder } from "../cli/files";
import { isoSeconds } from "./provenance";

export type ReportKind = "plan" | "verify";

/** Whether `--report` names a directory: it ends in a separator, or it is an existing directory. */
export function isReportDirectory(given: string): boolean {
    return /[\\/]$/.test(given) || (fs.existsSync(given) && fs.statSync(given).isDirectory());
}

/**
 * Refuses (exit 2), before the command does its work, a `--report` it could not write: a file
 * path as cli/files.ts checkWritable does, a folder (dated reports) where no file can be created.
 */
export function checkReportTarget(given: string, option = "--report"): void {
    if (isReportDirectory(given)) checkWritableFolder(given, option);
    else checkWritable(given, option);
}

/**
 * The dated file name for a report made at `at`: ISO 8601 UTC with the colons as dashes, since
 * Windows forbids ':' in file names; names sort in time order.
 */
export function datedReportName(kind: ReportKind, at: Date): string {
    return `${kind}-${isoSeconds(at).replace(/:/g, "-")}.md`;
}

/**
 * Writes the report: to `given` itself, or into the directory `given` as a new dated file (the
 * directory is created). A dated file is created exclusively ('wx'): when one of that second
 * already exists, `-2`, `-3`... is added, so an earlier report is never replaced. Returns the
 * path written.
 */
export function writeReport(given: string, kind: ReportKind, at: Date, text: string): string {
    if (!isReportDirectory(given)) {
        fs.writeFileSync(given, text);
        return given;
    }
    fs.mkdirSync(given, { recursive: true });
    const base = datedReportName(kind, at).replace(/\.md$/, "");
    for (let n = 1; ; n++) {
        const file = path.join(given, `${base}${n === 1 ? "" : `-${n}`}.md`);
        try {
            fs.writeFileSync(file, text, { flag: "wx" });
            return file;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
    }
}
