// The one reader of Pulumi URNs and provider references for the plan, --against and account:move:
// `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, the qualified type being the parent
// types and the resource's own, joined by `$`
// (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns).

export interface UrnParts {
    readonly stack: string;
    readonly project: string;
    /** The qualified type: `org-access:access:AuditRole$aws:iam/role:Role`. */
    readonly type: string;
    readonly name: string;
}

/** A URN, split. A name may itself hold `::`, so everything after the type is the name. */
export function urnParts(urn: string): UrnParts {
    const parts = urn.split("::");
    return {
        stack: parts[0].split(":")[2] ?? "",
        project: parts[1] ?? "",
        type: parts[2] ?? "",
        name: parts.slice(3).join("::"),
    };
}

/** The resource's own type, without its parents': `aws:iam/role:Role`. */
export function ownType(urn: string): string {
    return urnParts(urn).type.split("$").pop() as string;
}

/**
 * A URN as it reads once `pulumi state move` has carried the resource to `stack` of the same
 * project: the move rewrites the stack part and keeps the rest.
 */
export function urnInStack(urn: string, stack: string): string {
    if (!/^urn:pulumi:[^:]+::/.test(urn)) throw new Error(`not a Pulumi URN: ${urn}`);
    const { project, type, name } = urnParts(urn);
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/**
 * The URN of a provider reference (`<provider urn>::<provider id>`, as an export's `provider`
 * holds it), or the URN itself when there is no id.
 */
export function providerRefUrn(ref: unknown): string | undefined {
    if (typeof ref !== "string" || ref === "") return undefined;
    const parts = ref.split("::");
    // A reference has one more `::` part than a URN (urn:pulumi:stack, project, type, name, id).
    return parts.length > 4 ? parts.slice(0, 4).join("::") : ref;
}
