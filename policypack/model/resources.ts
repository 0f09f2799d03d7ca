/**
 * The neutral resource shape: one stack's resources as both the offline plan's evidence
 * (evidence/model.ts, through plan/run.ts's `toModelResource`) and a stack policy (through
 * `./policyResources`'s `fromPolicyResources`) see them, so facts about principals are derived
 * once and a model built on them runs in either place.
 *
 * Dependency-free (no @pulumi/aws, no @pulumi/policy at runtime): it compiles inside the pack.
 */
import { parseArn } from "../iam/arn";
import { T } from "../policies/types";
import { ofType } from "./references";

/** A parent component, as a child names it. */
export interface ModelParent {
    /** Pulumi type token of the component, e.g. `org-access:access:AuditRole`. */
    readonly type: string;
    readonly name: string;
    readonly urn: string;
}

export interface ModelResource {
    /** Pulumi type token, e.g. `aws:iam/role:Role`. */
    readonly type: string;
    /** Pulumi (logical) name. */
    readonly name: string;
    readonly urn: string;
    /** Physical id where known: the offline plan's mock assigns one; the engine gives none before deployment. */
    readonly id?: string;
    /**
     * The account the resource lands in, from its AWS provider (`pinnedAccount`); for an AWS
     * provider, its own. Undefined for components, non-AWS resources and unpinned providers.
     */
    readonly accountId?: string;
    /** The component the resource was created in, if any. */
    readonly parent?: ModelParent;
    /**
     * Inputs. In a stack policy they stay behind the engine's unknown-checking proxy: reading a
     * value unknown during preview throws UnknownValueError, which the engine turns into
     * "can't run policy during preview". The offline plan has no unknowns.
     */
    readonly props: Readonly<Record<string, unknown>>;
}

const ACCOUNT_ID = /^\d{12}$/;

export function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** Strings in a prop that is a list, or (provider inputs) a JSON-encoded list. */
export function stringArray(v: unknown): string[] {
    if (v === undefined || v === null) return [];
    if (typeof v === "string") {
        const t = v.trim();
        if (t.startsWith("[")) {
            const parsed = safeJson(t);
            if (Array.isArray(parsed))
                return parsed.filter((x): x is string => typeof x === "string");
        }
        return t === "" ? [] : [t];
    }
    if (Array.isArray(v)) {
        const out: string[] = [];
        for (const x of v) if (typeof x === "string") out.push(x);
        return out;
    }
    return [];
}

/** A list of objects, or (provider inputs) a JSON-encoded list of objects. */
export function objectArray(v: unknown): Record<string, unknown>[] {
    if (typeof v === "string") v = safeJson(v.trim());
    if (!Array.isArray(v)) return [];
    return v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
}

function safeJson(s: string): unknown {
    if (!s.startsWith("[") && !s.startsWith("{")) return undefined;
    try {
        return JSON.parse(s);
    } catch (e) {
        if (e instanceof SyntaxError) return undefined;
        throw e;
    }
}

/** The account of an ARN (`arn:aws:iam::123456789012:role/x` -> `123456789012`), if it names one. */
export function arnAccount(arn: unknown): string | undefined {
    const a = typeof arn === "string" ? parseArn(arn) : undefined;
    return a && ACCOUNT_ID.test(a.account) ? a.account : undefined;
}

/**
 * The one account an AWS provider's inputs pin it to: its single `allowedAccountIds` entry, else
 * the account of the role it assumes (`assumeRoles[].roleArn`).
 */
export function pinnedAccount(
    providerProps: Readonly<Record<string, unknown>>,
): string | undefined {
    const ids = stringArray(providerProps.allowedAccountIds);
    if (ids.length === 1) return ids[0];
    for (const role of objectArray(providerProps.assumeRoles)) {
        const account = arnAccount(role.roleArn);
        if (account) return account;
    }
    return undefined;
}

/**
 * The account a resource lands in: for an AWS provider its own pinned account, for an AWS resource
 * its provider's; read lazily by the adapters, since in a stack policy reading a provider's inputs
 * may throw UnknownValueError.
 */
export function landingAccount(
    type: string,
    props: Readonly<Record<string, unknown>>,
    providerProps: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
    if (type === T.AwsProvider) return pinnedAccount(props);
    if (type.startsWith("aws:") && providerProps) return pinnedAccount(providerProps);
    return undefined;
}

/** The physical name of a named IAM resource: its `name` input, else its Pulumi name. */
export function physicalName(r: ModelResource): string {
    return str(r.props.name) ?? r.name;
}

/** The resources created directly in a component. */
export function childrenOf(
    resources: readonly ModelResource[],
    component: Pick<ModelResource, "urn">,
): ModelResource[] {
    return resources.filter((r) => r.parent?.urn === component.urn);
}

/** An inline policy: its name and its document as written (a JSON string or an object). */
export interface InlineDocument {
    readonly name: string;
    readonly document: unknown;
}

/** The IAM documents of a role, as the stack writes them. */
export interface RoleDocuments {
    /** The trust policy (`assumeRolePolicy`). */
    readonly trust: unknown;
    /** ARNs of managed policies: attachments in the role's account first, then `managedPolicyArns`. */
    readonly attachedArns: readonly string[];
    /** Inline policies: `RolePolicy` resources in the role's account first, then `inlinePolicies`. */
    readonly inline: readonly InlineDocument[];
}

/** Resources of `type` in `accountId` whose `prop` input names `value` exactly. */
function naming(
    resources: readonly ModelResource[],
    type: string,
    accountId: string | undefined,
    prop: string,
    value: string,
): ModelResource[] {
    return resources.filter(
        (r) => r.type === type && r.accountId === accountId && r.props[prop] === value,
    );
}

export function roleDocuments(
    resources: readonly ModelResource[],
    role: ModelResource,
): RoleDocuments {
    const name = physicalName(role);
    const inline: InlineDocument[] = naming(
        resources,
        T.RolePolicy,
        role.accountId,
        "role",
        name,
    ).map((p) => ({ name: physicalName(p), document: p.props.policy }));
    for (const p of Array.isArray(role.props.inlinePolicies)
        ? (role.props.inlinePolicies as { name?: string; policy?: unknown }[])
        : []) {
        if (p.policy !== undefined) inline.push({ name: p.name ?? "?", document: p.policy });
    }
    return {
        trust: role.props.assumeRolePolicy,
        attachedArns: [
            ...naming(resources, T.RolePolicyAttachment, role.accountId, "role", name).map(
                (a) => str(a.props.policyArn) ?? "",
            ),
            ...(Array.isArray(role.props.managedPolicyArns)
                ? (role.props.managedPolicyArns as string[])
                : []),
        ],
        inline,
    };
}

/** The IAM documents of a user: its own inline policies and those of the groups it is in. */
export interface UserDocuments {
    /** Names of the groups its memberships (in its account) put it in, in order. */
    readonly groups: readonly string[];
    /** `UserPolicy` resources in its account. */
    readonly inline: readonly InlineDocument[];
    /** `GroupPolicy` resources of its groups in its account, group by group. */
    readonly groupInline: readonly (InlineDocument & { readonly group: string })[];
}

/** The inline policies of the groups in `resources`, by `<account>/<group>`. */
export function groupDocuments(
    resources: readonly ModelResource[],
): Map<string, (InlineDocument & { readonly group: string })[]> {
    const byGroup = new Map<string, (InlineDocument & { readonly group: string })[]>();
    for (const p of ofType(resources, T.GroupPolicy)) {
        const group = str(p.props.group);
        const key = `${p.accountId}/${group}`;
        byGroup.set(key, [
            ...(byGroup.get(key) ?? []),
            { group: group as string, name: physicalName(p), document: p.props.policy },
        ]);
    }
    return byGroup;
}

export function userDocuments(
    resources: readonly ModelResource[],
    user: ModelResource,
    groups: Map<string, (InlineDocument & { readonly group: string })[]> = groupDocuments(
        resources,
    ),
): UserDocuments {
    const userName = physicalName(user);
    const memberOf = naming(
        resources,
        T.UserGroupMembership,
        user.accountId,
        "user",
        userName,
    ).flatMap((m) => (Array.isArray(m.props.groups) ? (m.props.groups as string[]) : []));
    return {
        groups: memberOf,
        inline: naming(resources, T.UserPolicy, user.accountId, "user", userName).map((p) => ({
            name: physicalName(p),
            document: p.props.policy,
        })),
        groupInline: memberOf.flatMap((g) => groups.get(`${user.accountId}/${g}`) ?? []),
    };
}
