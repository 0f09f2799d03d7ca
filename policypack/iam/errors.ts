/**
 * The one error the IAM model throws on purpose: the input is not a policy document IAM would
 * accept. Everything else the model throws is a bug (or, inside a policy, `UnknownValueError`,
 * which the model never catches).
 */
export class PolicyInputError extends Error {
    /** JSON-ish path to the offending element, e.g. `Statement[1].Condition.Bool`. */
    public readonly path: string;

    constructor(path: string, problem: string) {
        super(path ? `${path}: ${problem}` : problem);
        this.name = "PolicyInputError";
        this.path = path;
    }
}

export function isPolicyInputError(e: unknown): e is PolicyInputError {
    return e instanceof PolicyInputError;
}
