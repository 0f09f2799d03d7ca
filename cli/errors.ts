/**
 * The command line is wrong, or the command refuses what it was asked (exit 2). Thrown while the
 * arguments are parsed, it is printed with the command's usage; thrown later, with its message
 * alone. A command may subclass it to name its own refusals (scripts/account.ts).
 */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}
