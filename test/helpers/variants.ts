// Broken variants of a plan, for tests that break a check on purpose: every helper returns a new
// plan and leaves the one it is given as it was, so a plan made once can serve every test.
import * as assert from "assert";
import { PlannedResource, PlanResult } from "../../plan/run";

/** A policy document as the tests edit it. */
export type EditableDocument = { Version?: string; Statement: Record<string, any>[] };

/**
 * A copy of the plan with the resources `pick` selects changed (or removed, where `change` returns
 * undefined). `change` is handed a shallow copy of the props and returns the new ones.
 */
export function tamper(
    plan: PlanResult,
    pick: (r: PlannedResource) => boolean,
    change: (props: Record<string, unknown>) => Record<string, unknown> | undefined,
): PlanResult {
    let hit = 0;
    const resources = plan.resources.flatMap((r) => {
        if (!pick(r)) return [r];
        hit++;
        const props = change({ ...r.props });
        return props ? [{ ...r, props }] : [];
    });
    assert.ok(hit > 0, "tamper matched no resource");
    return { ...plan, resources };
}

/** A deep copy of the plan with the props of the (first) resource named `name` changed in place. */
export function mutate(
    plan: PlanResult,
    name: string,
    change: (props: Record<string, unknown>) => void,
): PlanResult {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanResult;
    const r = copy.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    change(r.props);
    return copy;
}

/**
 * A deep copy of the plan with one resource's policy document edited: `key`, or else the first of
 * `policy`, `assumeRolePolicy` and `content` (an SCP's) that the resource has.
 */
export function withPolicy(
    plan: PlanResult,
    name: string,
    edit: (doc: EditableDocument) => void,
    key?: "policy" | "assumeRolePolicy" | "content",
): PlanResult {
    return mutate(plan, name, (props) => {
        const k = key ?? ["policy", "assumeRolePolicy", "content"].find((p) => p in props);
        if (!k) throw new Error(`${name} has no policy document`);
        const doc = JSON.parse(String(props[k])) as EditableDocument;
        edit(doc);
        props[k] = JSON.stringify(doc);
    });
}

/** A deep copy of the plan without the resources `drop` selects. */
export function without(plan: PlanResult, drop: (r: PlannedResource) => boolean): PlanResult {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanResult;
    return { ...copy, resources: copy.resources.filter((r) => !drop(r)) };
}

/** A deep copy of the plan with a role (and its inline policy) added to `accountId`. */
export function withRole(
    plan: PlanResult,
    accountId: string,
    name: string,
    trust: unknown,
    policy?: unknown,
): PlanResult {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanResult;
    const base = copy.resources.find(
        (r) => r.type === "aws:iam/role:Role" && r.accountId === accountId,
    );
    if (!base) throw new Error(`no role in ${accountId} to copy the provider from`);
    const resource = (
        type: string,
        rname: string,
        props: Record<string, unknown>,
    ): PlannedResource => ({
        ...base,
        type,
        name: rname,
        urn: `${base.urn.split("::").slice(0, 2).join("::")}::${type}::${rname}`,
        id: rname,
        props,
        secretProps: [],
        options: { ...base.options, parent: undefined },
    });
    copy.resources.push(
        resource("aws:iam/role:Role", `${name}-role`, {
            name,
            path: "/",
            assumeRolePolicy: JSON.stringify(trust),
        }),
    );
    if (policy)
        copy.resources.push(
            resource("aws:iam/rolePolicy:RolePolicy", `${name}-policy`, {
                name: `${name}-policy`,
                role: name,
                policy: JSON.stringify(policy),
            }),
        );
    return copy;
}

/** The index of the statement with this Sid. */
export function indexOf(doc: EditableDocument, sid: string): number {
    const i = doc.Statement.findIndex((s) => s.Sid === sid);
    if (i < 0) throw new Error(`no statement ${sid}`);
    return i;
}
