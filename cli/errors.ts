/**
 * The command line is wrong, or the command refuses what it was asked (exit 2). Thrown while the
 * arguments are parsed, it is printed with the command's usage; thrown later, with its message
 * alone. A command may subclass it to name its own refusals (scripts/account.ts).
 */
export class UsageError extends Error {
    /**
     * @param details each problem of the input, by key when known, for `--json`'s error document
     * (cli/command.ts, fail); the message lists them too, for the text.
     */
    constructor(
        message: string,
        public readonly details: readonly Problem[] = [],
    ) {
        super(message);
        this.name = new.target.name;
    }
}

/** One problem of an invalid input, by key: what `--json` errors list (cli/command.ts, fail). */
export interface Problem {
    /** The key (`org-access:workloadAccounts[1].accountId`, a pack setting's path), when known. */
    readonly key?: string;
    readonly message: string;
    /** How to fix it, when the check knows (usually a `pulumi config` command). */
    readonly fix?: string;
}

/** `* where: problem` lines, as Problems lists and --against's messages print them, by key. */
export function keyedProblems(lines: readonly string[]): Problem[] {
    return lines.map((p) => {
        const at = p.indexOf(": ");
        return at < 0 ? { message: p } : { key: p.slice(0, at), message: p.slice(at + 2) };
    });
}
