// Which planned resources belong to one account, read from the plan itself rather than from the
// names the program gives them (names change; the account a resource deploys into does not):
// the account's providers, every cloud resource deployed through them, and every component whose
// cloud resources all deploy into that account, with whatever the component holds.
// `account:move` (scripts/accountMove.ts) turns this set into `pulumi state move` commands.
import { PlannedResource } from "./run";

export interface AccountResources {
    /**
     * The account's providers. `pulumi state move` refuses to move a provider and instead copies
     * the providers of the resources it moves into the destination stack (pulumi/pulumi#16722,
     * https://www.pulumi.com/docs/iac/cli/commands/pulumi_state_move/), so they are never named.
     */
    readonly providers: readonly PlannedResource[];
    /** Every other resource of the account, components included, in the order of the plan. */
    readonly resources: readonly PlannedResource[];
    /**
     * Cloud resources of the account whose parent component also holds another account's
     * resources: a state move would re-parent them onto the destination's root stack, so their
     * URNs would no longer be those the program declares.
     */
    readonly entangled: readonly { readonly resource: PlannedResource; readonly parent: string }[];
}

const isProvider = (r: PlannedResource) => r.type.startsWith("pulumi:providers:");

/** The resources of `accountId` among a stack's planned resources. */
export function accountResources(
    planned: readonly PlannedResource[],
    accountId: string,
): AccountResources {
    const byUrn = new Map(planned.map((r) => [r.urn, r]));
    const children = new Map<string, PlannedResource[]>();
    for (const r of planned) {
        const parent = r.options.parent;
        if (parent && byUrn.has(parent)) children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    /** The cloud resources (and providers) below a component, at any depth. */
    const cloudBelow = (urn: string): PlannedResource[] =>
        (children.get(urn) ?? []).flatMap((c) => (c.component ? cloudBelow(c.urn) : [c]));
    const ofAccount = (r: PlannedResource): boolean => {
        if (!r.component) return r.accountId === accountId;
        const below = cloudBelow(r.urn);
        return below.length > 0 && below.every((c) => c.accountId === accountId);
    };
    // A resource moves with its parent (state move carries every child along), so it belongs to
    // the account when it or any of its ancestors does.
    const belongs = (r: PlannedResource): boolean => {
        const parent = r.options.parent !== undefined ? byUrn.get(r.options.parent) : undefined;
        return ofAccount(r) || (parent !== undefined && belongs(parent));
    };
    const selected = new Set(planned.filter(belongs).map((r) => r.urn));
    const entangled = planned.flatMap((r) => {
        const parent = r.options.parent;
        return !r.component &&
            r.accountId === accountId &&
            parent !== undefined &&
            byUrn.get(parent)?.component === true &&
            !selected.has(parent)
            ? [{ resource: r, parent }]
            : [];
    });
    const mine = planned.filter((r) => selected.has(r.urn));
    return {
        providers: mine.filter(isProvider),
        resources: mine.filter((r) => !isProvider(r)),
        entangled,
    };
}

export { urnInStack } from "./urn";
