/**
 * The adapter from a stack policy's resources (@pulumi/policy's PolicyResource, as the engine or
 * the pack's runner hands them to `validateStack`) to the neutral shape of ./resources.
 */
import type { PolicyResource } from "@pulumi/policy";
import { landingAccount, ModelResource } from "./resources";

/**
 * One resource in the neutral shape. Props stay behind the engine's unknown-checking proxy, and
 * the account is read only when asked for (it reads the provider's inputs, which may be unknown
 * during preview), so converting a stack reads nothing a policy does not.
 */
export function fromPolicyResource(r: PolicyResource): ModelResource {
    let account: { value: string | undefined } | undefined;
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        // The engine links a parent only when it is in the stack; so does the neutral shape.
        ...(r.parent
            ? { parent: { type: r.parent.type, name: r.parent.name, urn: r.parent.urn } }
            : {}),
        props: r.props,
        get accountId(): string | undefined {
            account ??= { value: landingAccount(r.type, r.props, r.provider?.props) };
            return account.value;
        },
    };
}

/** A stack policy's resources in the neutral shape, in the same order. */
export function fromPolicyResources(resources: readonly PolicyResource[]): ModelResource[] {
    return resources.map(fromPolicyResource);
}
