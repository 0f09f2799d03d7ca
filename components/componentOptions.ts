import * as pulumi from "@pulumi/pulumi";

/**
 * Every component registers its resources in one account, through the provider it is given: never
 * the default provider, which Pulumi falls back to silently (README, "Architecture"). Called before
 * `super()`, so a missing provider registers nothing. `who` names the component and its resource
 * name, `provider` says whose provider it needs.
 */
export function requireProvider(
    opts: pulumi.ComponentResourceOptions,
    who: string,
    provider: string,
): void {
    if (!opts.provider) throw new Error(`${who}: ${provider} is required`);
}
