/** Thrown when the plan finds a resource that would deploy through the default provider. */
export class DefaultProviderError extends Error {
    constructor(public readonly resources: readonly string[]) {
        super(
            `these resources would use the default AWS provider instead of an account's own provider: ${resources.join(", ")}`,
        );
        this.name = "DefaultProviderError";
    }
}

/** A stack a worker process could not plan: its error's exit code and message (cli/exitCodes.ts). */
export interface StackFailure {
    readonly stack: string;
    readonly code: number;
    readonly message: string;
    /** A config error's problems, key by key (cli/exitCodes.ts, problemsOf), for --json. */
    readonly problems?: readonly { key?: string; message: string; fix?: string }[];
}

/**
 * Stacks that worker processes could not plan (plan/workers.ts), every one of them: each config
 * error says which stack and key, as an in-process plan would. Exit 2 when every failure is the
 * input's fault (an invalid stack file), else 1: a worker crashed or the plan found an unsafe
 * resource.
 */
export class StacksNotPlannedError extends Error {
    public readonly exitCode: number;
    constructor(public readonly failures: readonly StackFailure[]) {
        super(failures.map((f) => f.message).join("\n"));
        this.name = "StacksNotPlannedError";
        this.exitCode = failures.every((f) => f.code === 2) ? 2 : 1;
    }
}
