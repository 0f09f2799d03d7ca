/** Thrown when the plan finds a resource that would deploy through the default provider. */
export class DefaultProviderError extends Error {
    constructor(public readonly resources: readonly string[]) {
        super(
            `these resources would use the default AWS provider instead of an account's own provider: ${resources.join(", ")}`,
        );
        this.name = "DefaultProviderError";
    }
}
