// Output files a command is asked to write (--report, --write-policy-config), checked before the
// command does its work: a plan or a verify run that takes minutes must not end in ENOENT.
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";

/**
 * Refuses (UsageError, exit 2) a path `option` could not write: its folder is missing or not a
 * folder, the path is a folder, or the file or its folder is not writable. Writes nothing: an
 * existing file is opened for appending and closed, which changes neither its contents nor its
 * modification time, and a new file is only checked for through its folder.
 */
export function checkWritable(file: string, option: string): void {
    const dir = path.dirname(path.resolve(file));
    const refuse = (why: string, fix: string): never => {
        throw new UsageError(`${option} ${file}: ${why} (${fix})`);
    };
    const stat = (p: string) => {
        try {
            return fs.statSync(p);
        } catch {
            return undefined;
        }
    };
    const dirStat = stat(dir);
    if (dirStat === undefined)
        refuse(`the folder ${dir} does not exist`, `create it first: mkdir -p ${dir}`);
    else if (!dirStat.isDirectory()) refuse(`${dir} is not a folder`, "give a path in a folder");
    const fileStat = stat(file);
    if (fileStat?.isDirectory())
        refuse("is a folder", `give a file name, e.g. ${path.join(file, "report.md")}`);
    try {
        if (fileStat === undefined) fs.accessSync(dir, fs.constants.W_OK);
        else fs.closeSync(fs.openSync(file, "a"));
    } catch (e) {
        refuse(
            `cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
            "check its permissions, or give another path",
        );
    }
}

/**
 * Refuses (UsageError, exit 2) a folder `option` could not write files into: the folder is a file,
 * or it (or, when it does not exist yet, the nearest folder above it, where it would be created)
 * is not writable.
 */
export function checkWritableFolder(dir: string, option: string): void {
    const refuse = (why: string, fix: string): never => {
        throw new UsageError(`${option} ${dir}: ${why} (${fix})`);
    };
    let existing = path.resolve(dir);
    while (!fs.existsSync(existing) && path.dirname(existing) !== existing)
        existing = path.dirname(existing);
    if (!fs.statSync(existing).isDirectory())
        refuse(`${existing} is not a folder`, "give a folder path, or a file name for one report");
    try {
        fs.accessSync(existing, fs.constants.W_OK);
    } catch (e) {
        refuse(
            `${existing} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
            "check its permissions, or give another folder",
        );
    }
}
