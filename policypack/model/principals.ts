/**
 * Every principal of a stack with every policy it holds, for the whole-principal analysis
 * (policypack/iam/principal.ts): a role's, user's or group's inline policies (the *Policy
 * resources and a role's `inlinePolicies`), its attachments (*PolicyAttachment, PolicyAttachment,
 * *PolicyAttachmentsExclusive, a role's `managedPolicyArns`) resolved to documents (customer-managed
 * policies from the plan, matched by ARN or by account + path + name; AWS-managed ones from the
 * generated table), a user's groups' policies (UserGroupMembership and GroupMembership), and its
 * permissions boundary (`permissionsBoundary`).
 */
import {
    NamedPolicy,
    parseArn,
    parsePolicyDocument,
    PlannedPolicies,
    PolicyDocument,
} from "../iam";
import { principalManagedDocument } from "../iam/managed";
import { iamArn, iamGroupArn, PROBE_PARTITION } from "../iam/arn";
import { isPolicyInputError } from "../iam/errors";
import { PrincipalKind, PrincipalPolicies } from "../iam/principal";
import { PROBE_ACCOUNT } from "../iam/privileges";
import { T } from "../policies/types";
import {
    groupDocuments,
    ModelResource,
    physicalName,
    objectArray,
    str,
    stringArray,
} from "./resources";

export interface StackPrincipal {
    readonly resource: ModelResource;
    readonly name: string;
    readonly policies: PrincipalPolicies;
}

/** A document as written, or undefined when it does not parse (iam-policy-document-valid reports it). */
function parse(value: unknown): PolicyDocument | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    try {
        return parsePolicyDocument(value, "identity");
    } catch (e) {
        if (isPolicyInputError(e)) return undefined;
        throw e;
    }
}

function pathOf(r: ModelResource): string {
    const p = str(r.props.path) ?? "/";
    return p.endsWith("/") ? p : `${p}/`;
}

export function principalArn(r: ModelResource, kind: PrincipalKind | "policy"): string {
    const known = str(r.props.arn);
    if (known && parseArn(known)) return known;
    return iamArn(
        PROBE_PARTITION,
        r.accountId ?? PROBE_ACCOUNT,
        `${kind}${pathOf(r)}${physicalName(r)}`,
    );
}

/**
 * A planned customer-managed policy's ARN, or undefined while it cannot be known: the resolved
 * `arn` output, else the ARN its literal `name` gives. A policy created with `namePrefix` or no
 * `name` gets a generated name (Pulumi auto-naming appends a random suffix to the resource name;
 * the provider turns `namePrefix` into a unique name), so its Pulumi name is NOT its IAM name and
 * a literal ARN such as `policy/DevBoundary` must not be read as naming it: doing so let a
 * permissions-boundary pin "cap" with a document the real `policy/DevBoundary` need not have (and
 * a delegate could create that policy itself).
 * https://www.pulumi.com/docs/iac/concepts/resources/names/
 * https://www.pulumi.com/registry/packages/aws/api-docs/iam/policy/#nameprefix_nodejs
 */
export function policyArn(r: ModelResource): string | undefined {
    const known = str(r.props.arn);
    if (known && parseArn(known)) return known;
    const name = str(r.props.name);
    if (!name) return undefined;
    return iamArn(PROBE_PARTITION, r.accountId ?? PROBE_ACCOUNT, `policy${pathOf(r)}${name}`);
}

/** The stack's customer-managed policies, by ARN and by `<account>/<path><name>` (literal names only). */
class CustomerPolicies {
    private readonly byKey = new Map<string, ModelResource>();
    constructor(resources: readonly ModelResource[]) {
        for (const p of resources) {
            if (p.type !== T.Policy) continue;
            const arn = policyArn(p);
            if (arn) this.byKey.set(arn, p);
            const name = str(p.props.name);
            if (name) this.byKey.set(`${p.accountId ?? ""}/${pathOf(p).slice(1)}${name}`, p);
        }
    }
    find(arn: string, accountId: string | undefined): ModelResource | undefined {
        const direct = this.byKey.get(arn);
        if (direct) return direct;
        const a = parseArn(arn);
        if (!a || a.service !== "iam" || !a.resource.startsWith("policy/")) return undefined;
        return this.byKey.get(
            `${a.account || accountId || ""}/${a.resource.slice("policy/".length)}`,
        );
    }
}

interface Held {
    identity: NamedPolicy[];
    managed: { arn: string; label: string }[];
    unknown: string[];
}

/** Adds what an attached policy ARN grants, labelled by what attaches it. */
function attach(
    held: Held,
    arn: string,
    by: string,
    policies: CustomerPolicies,
    accountId?: string,
) {
    const customer = policies.find(arn, accountId);
    if (customer) {
        const label = `policy ${physicalName(customer)} (attached by ${by})`;
        // Found by its resolved ARN or its literal name, so policyArn is defined.
        const resolved = policyArn(customer) ?? arn;
        held.managed.push({ arn: resolved, label });
        const doc = parse(customer.props.policy);
        if (doc) held.identity.push({ label, doc });
        else held.unknown.push(resolved);
        return;
    }
    const aws = principalManagedDocument(arn);
    if (aws) {
        const name = arn.split("/").pop();
        held.identity.push({ label: `AWS-managed ${name} (attached by ${by})`, doc: aws });
    } else held.unknown.push(arn);
}

/** Attachments of `kind` principal `name` in `accountId`: (policy ARN, what attaches it). */
function attachments(
    index: ByPrincipal,
    kind: PrincipalKind,
    name: string,
    accountId: string | undefined,
): [string, string][] {
    const single = {
        role: T.RolePolicyAttachment,
        user: T.UserPolicyAttachment,
        group: T.GroupPolicyAttachment,
    }[kind];
    const exclusive = {
        role: T.RolePolicyAttachmentsExclusive,
        user: T.UserPolicyAttachmentsExclusive,
        group: T.GroupPolicyAttachmentsExclusive,
    }[kind];
    const out: [string, string][] = [];
    for (const r of index.get(single, accountId, name))
        if (r.props[kind] === name)
            out.push([str(r.props.policyArn) ?? "", `${r.type.split(":").pop()} ${r.name}`]);
    for (const r of index.get(exclusive, accountId, name))
        if (r.props[`${kind}Name`] === name)
            for (const arn of stringArray(r.props.policyArns))
                out.push([arn, `${exclusive.split(":").pop()} ${r.name}`]);
    for (const r of index.get(T.PolicyAttachment, accountId, name))
        if (stringArray(r.props[`${kind}s`]).includes(name))
            out.push([str(r.props.policyArn) ?? "", `PolicyAttachment ${r.name}`]);
    return out;
}

function boundaryOf(r: ModelResource, policies: CustomerPolicies): PrincipalPolicies["boundary"] {
    const arn = str(r.props.permissionsBoundary);
    if (!arn) return undefined;
    const customer = policies.find(arn, r.accountId);
    const label = `permissions boundary ${arn}`;
    if (customer) {
        const doc = parse(customer.props.policy);
        return { arn, policy: doc && { label, doc } };
    }
    const aws = principalManagedDocument(arn);
    // An admin-equivalent AWS-managed boundary (AdministratorAccess) caps nothing; an unknown one
    // is not read as a cap either.
    return { arn, policy: aws && { label, doc: aws } };
}

/** Resources by `<type>|<account>|<value of prop>`, for the props principals are named by. */
class ByPrincipal {
    private readonly index = new Map<string, ModelResource[]>();
    constructor(resources: readonly ModelResource[]) {
        const add = (r: ModelResource, value: unknown) => {
            if (typeof value !== "string") return;
            const key = `${r.type}|${r.accountId}|${value}`;
            const list = this.index.get(key);
            if (list) list.push(r);
            else this.index.set(key, [r]);
        };
        for (const r of resources) {
            if (!r.type.startsWith("aws:iam/")) continue;
            for (const prop of ["role", "user", "group", "roleName", "userName", "groupName"])
                add(r, r.props[prop]);
            if (r.type === T.PolicyAttachment)
                for (const prop of ["roles", "users", "groups"])
                    for (const v of stringArray(r.props[prop])) add(r, v);
            if (r.type === T.GroupMembership)
                for (const v of stringArray(r.props.users)) add(r, `users:${v}`);
        }
    }
    get(type: string, account: string | undefined, value: string): ModelResource[] {
        return this.index.get(`${type}|${account}|${value}`) ?? [];
    }
}

/**
 * Every role, user and group of the stack with what it holds. `plan` judges the customer-managed
 * permissions boundaries their policies' conditions pin (iam/boundaries.ts); without it, none is
 * known to cap.
 */
export function stackPrincipals(
    resources: readonly ModelResource[],
    plan?: PlannedPolicies,
): StackPrincipal[] {
    const policies = new CustomerPolicies(resources);
    const index = new ByPrincipal(resources);
    const groupInline = groupDocuments(resources);
    const out: StackPrincipal[] = [];
    const groups = new Map<string, ModelResource>();
    for (const g of resources)
        if (g.type === T.Group) groups.set(`${g.accountId}/${physicalName(g)}`, g);
    const groupArn = (account: string | undefined, name: string) => {
        const g = groups.get(`${account}/${name}`);
        return g
            ? principalArn(g, "group")
            : iamGroupArn(PROBE_PARTITION, account ?? PROBE_ACCOUNT, name);
    };
    const groupHeld = (account: string | undefined, name: string): Held => {
        const held: Held = { identity: [], managed: [], unknown: [] };
        for (const d of groupInline.get(`${account}/${name}`) ?? []) {
            const doc = parse(d.document);
            if (doc) held.identity.push({ label: `group ${name} policy ${d.name}`, doc });
        }
        for (const [arn, by] of attachments(index, "group", name, account))
            attach(held, arn, `${by}, to group ${name}`, policies, account);
        return held;
    };

    for (const r of resources) {
        if (r.type === T.Role) {
            const name = physicalName(r);
            const held: Held = { identity: [], managed: [], unknown: [] };
            const inline = [
                ...index
                    .get(T.RolePolicy, r.accountId, name)
                    .map((p) => ({ name: physicalName(p), document: p.props.policy })),
                ...objectArray(r.props.inlinePolicies).map((p) => ({
                    name: str(p.name) ?? "?",
                    document: p.policy,
                })),
            ];
            for (const d of inline) {
                const doc = parse(d.document);
                if (doc) held.identity.push({ label: `inline policy ${d.name}`, doc });
            }
            for (const [arn, by] of attachments(index, "role", name, r.accountId))
                attach(held, arn, by, policies, r.accountId);
            for (const arn of stringArray(r.props.managedPolicyArns))
                attach(held, arn, "managedPolicyArns", policies, r.accountId);
            out.push({
                resource: r,
                name,
                policies: {
                    kind: "role",
                    arn: principalArn(r, "role"),
                    ...(plan ? { boundaries: plan.judgeFor(r.accountId) } : {}),
                    ...held,
                    boundary: boundaryOf(r, policies),
                    groups: [],
                },
            });
        } else if (r.type === T.User) {
            const name = physicalName(r);
            const held: Held = { identity: [], managed: [], unknown: [] };
            for (const p of index.get(T.UserPolicy, r.accountId, name)) {
                const doc = parse(p.props.policy);
                if (doc) held.identity.push({ label: `inline policy ${physicalName(p)}`, doc });
            }
            for (const [arn, by] of attachments(index, "user", name, r.accountId))
                attach(held, arn, by, policies, r.accountId);
            const memberOf = [
                ...new Set([
                    ...index
                        .get(T.UserGroupMembership, r.accountId, name)
                        .flatMap((m) => stringArray(m.props.groups)),
                    ...index
                        .get(T.GroupMembership, r.accountId, `users:${name}`)
                        .map((m) => str(m.props.group) ?? ""),
                ]),
            ].filter((g) => g !== "");
            for (const g of memberOf) {
                const gh = groupHeld(r.accountId, g);
                held.identity.push(...gh.identity);
                held.managed.push(...gh.managed);
                held.unknown.push(...gh.unknown);
            }
            out.push({
                resource: r,
                name,
                policies: {
                    kind: "user",
                    arn: principalArn(r, "user"),
                    ...(plan ? { boundaries: plan.judgeFor(r.accountId) } : {}),
                    ...held,
                    boundary: boundaryOf(r, policies),
                    groups: memberOf.map((g) => groupArn(r.accountId, g)),
                },
            });
        } else if (r.type === T.Group) {
            const name = physicalName(r);
            out.push({
                resource: r,
                name,
                policies: {
                    kind: "group",
                    arn: principalArn(r, "group"),
                    ...(plan ? { boundaries: plan.judgeFor(r.accountId) } : {}),
                    ...groupHeld(r.accountId, name),
                    groups: [],
                },
            });
        }
    }
    return out;
}
