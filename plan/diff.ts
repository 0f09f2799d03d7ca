// `--against FILE`: what the engine would create, delete or replace, going from the resources in
// FILE (read by plan/against.ts) to the resources planned now. It matches URNs as the engine's step
// generator does, aliases included, and holds one rule: no IAM role is deleted and created again,
// whether by a rename, a replacement or a move between stacks.
import { accountLabel, accountNames } from "./accountNames";
import { checkStacks, PriorResource, PriorStack, priorOf } from "./against";
import { urnParts } from "./urn";
import { isWorkloadStack } from "../stacks/names";
import { UNKNOWN } from "./mocks";
import { PlannedResource } from "./run";

/** A resource the engine would create or delete. */
export interface DiffEntry {
    readonly urn: string;
    readonly type: string;
    readonly accountId: string | null;
    /** The account's name in config (or, for a deleted resource, in FILE), when known. */
    readonly accountName?: string;
    /** A role's path and name in AWS (`/SecurityAuditRole`): what CreateRole would collide on. */
    readonly physicalName?: string;
}

/** A resource found (by URN or alias) and updated in place: its inputs differ from FILE's. */
export interface Update extends DiffEntry {
    /** The inputs that change (`description`, `tags.Stack`). */
    readonly inputs: readonly string[];
}

/** A resource the engine would replace: delete and create again, as a new cloud resource. */
export interface Replacement extends DiffEntry {
    /** The URN it has in FILE (its own, or the one an alias reaches). */
    readonly from: string;
    /** What forces the replacement: properties, or `provider` when its provider changes. */
    readonly properties: readonly string[];
}

/** A resource found in FILE under an older URN, through an alias: nothing happens to it in AWS. */
export interface AliasedEntry {
    readonly from: string;
    readonly to: string;
}

/** A role deletion the plan refuses, with what to do instead. */
export interface DiffError {
    readonly urn: string;
    readonly message: string;
    readonly fix: string;
}

/** A resource found through an alias under the URN of a resource of another account. */
export interface CrossAccountMatch {
    readonly urn: string;
    readonly from: string;
    readonly fromAccount: string;
    readonly toAccount: string;
    /** The accounts' names: in FILE, and in config now. */
    readonly fromName?: string;
    readonly toName?: string;
}

/** One stack's changes, before {@link withRoleErrors} decides which are errors. */
export interface StackChanges {
    readonly stack: string;
    readonly creates: readonly DiffEntry[];
    readonly deletes: readonly DiffEntry[];
    readonly replaces: readonly Replacement[];
    readonly aliased: readonly AliasedEntry[];
    readonly crossAccount: readonly CrossAccountMatch[];
    /** Old URNs that two new resources reach (by URN or alias): the engine refuses the update. */
    readonly duplicates: readonly DuplicateMatch[];
    /** The URNs each created resource's aliases named, none of which FILE holds. */
    readonly createAliases: ReadonlyMap<string, readonly string[]>;
    /** Resources found and updated in place, with the inputs that change (`tags.Stack`). */
    readonly updates: readonly Update[];
}

/** An old URN that a second new resource reaches after a first one claimed it. */
export interface DuplicateMatch {
    readonly urn: string;
    readonly from: string;
    readonly claimedBy: string;
}

export interface StackDiff {
    readonly stack: string;
    readonly creates: readonly DiffEntry[];
    readonly deletes: readonly DiffEntry[];
    readonly replaces: readonly Replacement[];
    readonly aliased: readonly AliasedEntry[];
    /** Resources updated in place: same URN (or aliased), different inputs. */
    readonly updates: readonly Update[];
    /** Role deletions that are not removals: recreations, replacements, moves (exit 1). */
    readonly errors: readonly DiffError[];
    /** Roles deleted because their account left the stack's config: expected, reported. */
    readonly removals: readonly DiffEntry[];
}

/**
 * The inputs whose change makes the provider replace the resource, as reviewed from the AWS
 * provider's schema (`ForceNew` in hashicorp/terraform-provider-aws internal/service/iam/role.go,
 * policy.go, role_policy.go, role_policy_attachment.go, which pulumi-aws bridges). A change of an
 * explicit provider's `region` replaces every resource of that provider (pulumi/pulumi-aws#4000).
 * A type missing here is compared by URN and provider only.
 */
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const STACK_SET_INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
/**
 * The StackSet mode's resources, each of which carries the audit role of every account of its
 * OUs: deleting an instance deletes the role stack in each of those accounts (DeleteStackInstances
 * with RetainStacks false, the provider's default for `retain_stack`), and a StackSet goes with its
 * instances.
 */
const ROLE_CARRIERS = new Set([STACK_SET, STACK_SET_INSTANCE]);

export const REPLACE_ON_CHANGES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
    // property: its default, for a FILE that left it out
    "aws:iam/role:Role": { name: undefined, namePrefix: undefined, path: "/" },
    "aws:iam/policy:Policy": {
        name: undefined,
        namePrefix: undefined,
        path: "/",
        description: undefined,
    },
    "aws:iam/rolePolicy:RolePolicy": { name: undefined, namePrefix: undefined, role: undefined },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { role: undefined, policyArn: undefined },
    "pulumi:providers:aws": { region: undefined },
    // StackSet mode (components/auditRoleStackSet.ts): a StackSet's `name`, and an instance's
    // `stack_set_name`, `deployment_targets`, `region` and `account_id` are ForceNew
    // (hashicorp/terraform-provider-aws internal/service/cloudformation/stack_set.go,
    // stack_set_instance.go; pulumi-aws calls `region` `stackSetInstanceRegion` since v7).
    [STACK_SET]: { name: undefined },
    [STACK_SET_INSTANCE]: {
        stackSetName: undefined,
        deploymentTargets: undefined,
        stackSetInstanceRegion: undefined,
        region: undefined,
        accountId: undefined,
    },
};

const ROLE = "aws:iam/role:Role";
/**
 * Resources the engine reads on every run and never creates or deletes in a cloud: a
 * StackReference reads another stack's outputs (a plan's JSON leaves it out, as it deploys nothing).
 */
const READ_ONLY = new Set(["pulumi:pulumi:StackReference", "pulumi:providers:pulumi"]);

/**
 * A default provider (`pulumi:providers:aws::default_7_48_0`, `pulumi:providers:pulumi::default`)
 * is one the engine registers by itself for a resource without an explicit provider
 * (https://www.pulumi.com/docs/iac/concepts/resources/providers/#default-providers); the mock runtime
 * never registers one, so a plan lists none, and its deletion deletes nothing in a cloud.
 */
export function isDefaultProvider(urn: string, type: string): boolean {
    const name = urnParts(urn).name;
    return (
        type.startsWith("pulumi:providers:") && (name === "default" || name.startsWith("default_"))
    );
}

/**
 * The alias a child inherits from its parent's alias, as the engine builds it (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, `inheritedChildAlias`): a child whose name starts with its
 * parent's name gets the parent's old name in its place, under the parent's old URN.
 */
export function inheritedChildAlias(
    childType: string,
    childName: string,
    parentName: string,
    parentAlias: string,
): string {
    const alias = urnParts(parentAlias);
    const name = childName.startsWith(parentName)
        ? alias.name + childName.slice(parentName.length)
        : childName;
    return `urn:pulumi:${alias.stack}::${alias.project}::${alias.type}$${childType}::${name}`;
}

/**
 * Every URN the engine may find a resource under: its own aliases and, for each alias of its
 * parent, the inherited one (the SDK's `allAliases`, @pulumi/pulumi resource.js). This is what the
 * plan's JSON lists as a resource's `aliases`.
 */
export function allAliases(resources: readonly PlannedResource[]): Map<string, string[]> {
    const all = new Map<string, string[]>();
    for (const r of resources) {
        const own = r.options.aliases;
        const parent = r.options.parent;
        const inherited = parent
            ? (all.get(parent) ?? []).flatMap((pa) => [
                  inheritedChildAlias(r.type, r.name, urnParts(parent).name, pa),
                  ...own.map((a) =>
                      inheritedChildAlias(r.type, urnParts(a).name, urnParts(parent).name, pa),
                  ),
              ])
            : [];
        all.set(r.urn, [...new Set([...own, ...inherited])]);
    }
    return all;
}

function physicalName(type: string, props: Record<string, unknown>): string | undefined {
    if (type !== ROLE || typeof props.name !== "string") return undefined;
    return `${typeof props.path === "string" ? props.path : "/"}${props.name}`;
}

/**
 * A secret in a `pulumi stack export`: an object with the secret signature key and the value as
 * `ciphertext` (pulumi/pulumi sdk/go/common/resource/sig/sig.go, `Secret`), which only the stack's
 * secrets provider decrypts.
 */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
function isSecret(v: unknown): boolean {
    return (
        typeof v === "object" &&
        v !== null &&
        (v as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE
    );
}

/**
 * JSON text parsed: an IAM document (compared as a document, not as its spacing or key order), and
 * a provider's inputs, which reach the engine as strings (`allowedAccountIds: "[\"7777...\"]"`,
 * `skipRegionValidation: "true"`) while a plan's --json shows them as values.
 */
function decoded(v: unknown, provider: boolean): unknown {
    if (typeof v !== "string") return v;
    if (!/^\s*[[{]/.test(v) && !(provider && /^(true|false|-?\d+(\.\d+)?)$/.test(v))) return v;
    try {
        return JSON.parse(v);
    } catch {
        return v;
    }
}

/**
 * Whether two inputs are the same value, canonically: JSON text as its value, object keys in any
 * order, a key left out the same as null. A value the plan cannot know (a preview's unknown, an
 * export's ciphertext), wherever it is, is no evidence of a change.
 */
function same(a: unknown, b: unknown, provider: boolean): boolean {
    const x = decoded(a, provider);
    const y = decoded(b, provider);
    if (x === UNKNOWN || y === UNKNOWN || isSecret(x) || isSecret(y)) return true;
    if ((x === undefined || x === null) && (y === undefined || y === null)) return true;
    if (Array.isArray(x) || Array.isArray(y))
        return (
            Array.isArray(x) &&
            Array.isArray(y) &&
            x.length === y.length &&
            x.every((v, i) => same(v, y[i], provider))
        );
    if (typeof x === "object" && typeof y === "object" && x !== null && y !== null) {
        const o = x as Record<string, unknown>;
        const p = y as Record<string, unknown>;
        return [...new Set([...Object.keys(o), ...Object.keys(p)])].every((k) =>
            same(o[k], p[k], provider),
        );
    }
    return x === y;
}

/**
 * The inputs that differ between two resources' props; a tag map's keys one by one (`tags.Stack`),
 * to say which tag an in-place update changes. `newOnly`: compare only the inputs the plan sets, for
 * a `pulumi stack export`, whose inputs also hold what the engine and the provider filled in (a
 * provider's plugin `version`; `__defaults`, the bridge's list of the inputs it defaulted from the
 * schema: `defaultsKey` in pulumi/pulumi-terraform-bridge pkg/tfbridge/schema.go,
 * https://github.com/pulumi/pulumi-terraform-bridge/blob/master/pkg/tfbridge/schema.go), which the
 * program never set.
 */
function changedInputs(
    a: Record<string, unknown>,
    b: Record<string, unknown>,
    provider = false,
    newOnly = false,
): string[] {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .filter((k) => k !== "__defaults" && (!newOnly || b[k] !== undefined))
        .sort();
    return keys.flatMap((k) => {
        if (same(a[k], b[k], provider)) return [];
        const x = a[k];
        const y = b[k];
        if (k.startsWith("tags") && typeof x === "object" && typeof y === "object" && x && y)
            return changedInputs(
                x as Record<string, unknown>,
                y as Record<string, unknown>,
                provider,
                newOnly,
            ).map((t) => `${k}.${t}`);
        return [k];
    });
}

function differs(before: unknown, after: unknown, fallback: unknown, provider = false): boolean {
    return !same(
        before === undefined ? fallback : before,
        after === undefined ? fallback : after,
        provider,
    );
}

/**
 * The changes from one stack's resources in FILE to its planned resources, matched as the engine
 * matches them (step_generator.go, `generateSteps`): by URN first, then by each alias, a child also
 * by the alias its parent was found under; whatever of FILE nothing claims is deleted. Errors are
 * left to {@link withRoleErrors}, which looks across stacks. `names`: the planned accounts' names
 * (plan/accountNames.ts), for the entries and the messages; a deleted resource's comes from FILE.
 */
export function diffStack(
    prior: PriorStack,
    planned: readonly PlannedResource[],
    names: ReadonlyMap<string, string> = new Map(),
): StackChanges {
    const olds = new Map(prior.resources.map((r) => [r.urn, r]));
    const claimed = new Set<string>();
    /** New URN -> the URN of FILE it was found under. */
    const found = new Map<string, string>();
    const replacedProviders = new Set<string>();
    const creates: DiffEntry[] = [];
    const replaces: Replacement[] = [];
    const aliased: AliasedEntry[] = [];
    const crossAccount: CrossAccountMatch[] = [];
    const duplicates: DuplicateMatch[] = [];
    const updates: Update[] = [];
    const createAliases = new Map<string, string[]>();
    /** Old URN -> the new URN that claimed it. */
    const claimedBy = new Map<string, string>();
    const every = allAliases(planned);
    for (const r of planned) {
        const own = r.options.aliases;
        const candidates = [r.urn, ...own];
        const parent = r.options.parent;
        const parentFrom = parent ? found.get(parent) : undefined;
        if (parent && parentFrom && parentFrom !== parent) {
            const parentName = urnParts(parent).name;
            candidates.push(inheritedChildAlias(r.type, r.name, parentName, parentFrom));
            for (const a of own)
                candidates.push(
                    inheritedChildAlias(r.type, urnParts(a).name, parentName, parentFrom),
                );
        }
        const from = candidates.find((u) => olds.has(u) && !claimed.has(u));
        // The engine refuses two resources that reach one old URN, by URN or alias ("Duplicate
        // resource alias", pulumi/pulumi pkg/diag/errors.go, 2008): the first would otherwise
        // take what the second names, possibly another account's resource.
        for (const u of new Set(candidates))
            if (olds.has(u) && claimed.has(u) && claimedBy.get(u) !== r.urn)
                duplicates.push({ urn: r.urn, from: u, claimedBy: claimedBy.get(u) as string });
        const accountName = r.accountId ? names.get(r.accountId) : undefined;
        const entry: DiffEntry = {
            urn: r.urn,
            type: r.type,
            accountId: r.accountId,
            ...(accountName ? { accountName } : {}),
            ...(physicalName(r.type, r.props)
                ? { physicalName: physicalName(r.type, r.props) }
                : {}),
        };
        if (READ_ONLY.has(r.type)) continue;
        if (from === undefined) {
            if (!r.component) creates.push(entry);
            const named = every.get(r.urn) ?? [];
            if (named.length > 0) createAliases.set(r.urn, named);
            continue;
        }
        claimed.add(from);
        claimedBy.set(from, r.urn);
        found.set(r.urn, from);
        if (r.component) continue;
        const old = olds.get(from) as PriorResource;
        if (from !== r.urn) {
            aliased.push({ from, to: r.urn });
            // An alias names an old URN by name alone: keyed on today's account name, it reaches
            // another account's resource when names were swapped in the same change as the
            // upgrade. The engine would then update that resource through this account's provider.
            if (old.accountId && r.accountId && old.accountId !== r.accountId)
                crossAccount.push({
                    urn: r.urn,
                    from,
                    fromAccount: old.accountId,
                    toAccount: r.accountId,
                    ...(old.accountName ? { fromName: old.accountName } : {}),
                    ...(accountName ? { toName: accountName } : {}),
                });
        }
        const isProvider = r.type.startsWith("pulumi:providers:");
        const forced = Object.entries(REPLACE_ON_CHANGES[r.type] ?? {})
            .filter(([k, fallback]) => differs(old.props[k], r.props[k], fallback, isProvider))
            .map(([k]) => k);
        if (r.provider) {
            // The engine replaces a resource whose provider reference changes, unless the new
            // provider is found under the old one's URN by an alias (pulumi/pulumi#6453).
            const sameProvider =
                old.provider === undefined ||
                old.provider === r.provider.urn ||
                old.provider === found.get(r.provider.urn);
            if (!sameProvider || replacedProviders.has(r.provider.urn)) forced.push("provider");
        }
        if (forced.length > 0) {
            replaces.push({ ...entry, from, properties: forced });
            if (r.type.startsWith("pulumi:providers:")) replacedProviders.add(r.urn);
        } else {
            const inputs = changedInputs(old.props, r.props, isProvider, prior.fromExport);
            if (inputs.length > 0) updates.push({ ...entry, inputs });
        }
    }
    const deletes = prior.resources
        .filter(
            (r) =>
                r.custom &&
                !claimed.has(r.urn) &&
                !READ_ONLY.has(r.type) &&
                !isDefaultProvider(r.urn, r.type),
        )
        .map((r): DiffEntry => ({
            urn: r.urn,
            type: r.type,
            accountId: r.accountId,
            ...((r.accountId && names.get(r.accountId)) || r.accountName
                ? { accountName: (r.accountId && names.get(r.accountId)) || r.accountName }
                : {}),
            ...(physicalName(r.type, r.props)
                ? { physicalName: physicalName(r.type, r.props) }
                : {}),
        }));
    return {
        stack: prior.stack,
        creates,
        deletes,
        replaces,
        aliased,
        crossAccount,
        duplicates,
        createAliases,
        updates,
    };
}

/** An account in a message: `777788889999 (prod)`; `?` when the diff does not know it. */
function label(id: string | null, name?: string): string {
    return id ? accountLabel(id, name) : "?";
}

function sameRole(a: DiffEntry, b: DiffEntry): boolean {
    // An account unknown on either side (an export whose provider is not in it) matches any.
    return (
        a.physicalName === b.physicalName &&
        (a.accountId === null || b.accountId === null || a.accountId === b.accountId)
    );
}

function carrier(type: string): string {
    return type === STACK_SET ? "StackSet" : "StackSet instance";
}

/**
 * The fix for a role whose URN changed with no alias reaching the old one. When the new resource
 * already has an id-derived name and aliases, both fixes are in place: the alias is keyed on the
 * account's name in config today, so the account was renamed in the same change as the upgrade.
 */
function upgradeAndRename(
    diffs: readonly StackChanges[],
    stack: string,
    urn: string,
    old: string,
): string {
    const aliases = diffs.find((d) => d.stack === stack)?.createAliases.get(urn) ?? [];
    if (aliases.length === 0)
        return `name the resource from the account id (accountResourceName in stacks/resourceNames.ts), or give it aliases: [{ name: "${urnParts(old).name}" }]`;
    return `the resource has its id-derived name and aliases (${aliases.map((a) => urnParts(a).name).join(", ")}), but they are keyed on the account's name in config, which changed in the same change: deploy the upgrade with the account named as deployed first (the name ${urnParts(old).name} comes from), then rename it in a later change`;
}

/**
 * Completes the diffs of the stacks planned together with their role errors. A role is never
 * deleted and created again: a replacement, a deletion with a create of the same role in the same
 * account in the same stack (a rename no alias covers) or in another planned stack (a move), are
 * errors. A role deleted with nothing to take its place is a removal: its account left the
 * config, which is what removing an account means; it is reported, not refused.
 */
export function withRoleErrors(
    diffs: readonly StackChanges[],
    elsewhere: ReadonlyMap<string, string> = new Map(),
): StackDiff[] {
    const creates = diffs.flatMap((d) =>
        d.creates.filter((c) => c.type === ROLE).map((c) => ({ stack: d.stack, entry: c })),
    );
    return diffs.map((d) => {
        const errors: DiffError[] = d.replaces
            .filter((r) => r.type === ROLE)
            .map((r) => ({
                urn: r.urn,
                message: `stack ${d.stack}: role ${r.physicalName ?? r.urn} in account ${label(r.accountId, r.accountName)} would be replaced (${r.properties.join(", ")} changed): AWS would delete it and create it again, cutting its sessions and giving it a new unique id`,
                fix: r.properties.includes("provider")
                    ? "keep the role on the provider it was deployed with: name the provider from the account id and alias it from its old name (stacks/resourceNames.ts)"
                    : "keep the role's name and path as deployed (IAM cannot rename a role); to change them, create the new role beside the old one and remove the old one in a later change",
            }));
        for (const r of d.replaces.filter((x) => ROLE_CARRIERS.has(x.type)))
            errors.push({
                urn: r.urn,
                message: `stack ${d.stack}: ${carrier(r.type)} ${r.urn} would be replaced (${r.properties.join(", ")} changed), which the AWS provider cannot update in place: deleting it deletes the audit role stack in every account of its OUs, and the new one creates them again (sessions cut, new role ids) or fails on the role names the retained stacks still hold`,
                fix:
                    r.properties.includes("name") || r.properties.includes("stackSetName")
                        ? "keep stackSet.name as deployed: CloudFormation cannot rename a StackSet (docs/accounts.md#names-that-never-move-renaming-re-ordering-upgrading)"
                        : "keep stackSet.organizationalUnitIds and regions as deployed; an account leaves or joins through its OU (automatic deployment), not through this list (docs/accounts.md#names-that-never-move-renaming-re-ordering-upgrading)",
            });
        for (const del of d.deletes.filter((x) => ROLE_CARRIERS.has(x.type)))
            errors.push({
                urn: del.urn,
                message: `stack ${d.stack}: ${carrier(del.type)} ${del.urn} would be deleted, and with it the audit role stack in every account of its OUs`,
                fix: "keep deploymentMode: stackset and the stackSet settings as deployed; to retire the StackSet on purpose, remove its roles in CloudFormation first (docs/accounts.md#names-that-never-move-renaming-re-ordering-upgrading)",
            });
        for (const dup of d.duplicates)
            errors.push({
                urn: dup.urn,
                message: `stack ${d.stack}: ${dup.urn} and ${dup.claimedBy} both reach ${dup.from} (by URN or alias): pulumi up stops with "Duplicate resource alias", and until it does this plan cannot tell which resource is which`,
                fix: `two resources must not reach one deployed URN: an account named acct-<id> (which config refuses) gives its legacy alias another account's id-derived name; rename that account, or drop the alias that names ${dup.from}`,
            });
        for (const c of d.crossAccount)
            errors.push({
                urn: c.urn,
                message: `stack ${d.stack}: ${c.urn} (account ${label(c.toAccount, c.toName)}) would take over ${c.from}, a resource of account ${label(c.fromAccount, c.fromName)}, through an alias: account names changed in the same change as the upgrade to id-derived names`,
                fix: "upgrade with the account names as they are deployed (the aliases are keyed on the names in config), then rename the accounts in a later change",
            });
        const removals: DiffEntry[] = [];
        for (const del of d.deletes.filter((x) => x.type === ROLE)) {
            const twin = creates.find((c) => sameRole(c.entry, del));
            const movedTo = del.accountId ? elsewhere.get(del.accountId) : undefined;
            // Only a workload stack's accounts move between workload stacks: a role the security
            // stack deletes in an account a workload file lists is that stack's own change.
            if (!twin && movedTo !== undefined && movedTo !== d.stack && isWorkloadStack(d.stack)) {
                // The account left this stack's config but another workload stack file lists it:
                // a move made by editing the files, whose other half (the create) is in a stack
                // this plan does not plan.
                errors.push({
                    urn: del.urn,
                    message: `stack ${d.stack}: role ${del.physicalName ?? del.urn} in account ${label(del.accountId, del.accountName)} would be deleted (${del.urn}), and Pulumi.${movedTo}.yaml lists the account: moving an account by editing stack files deletes its roles here and creates them again in ${movedTo}`,
                    fix: `put the account back in Pulumi.${d.stack}.yaml and out of Pulumi.${movedTo}.yaml, then move it with npx org-access account move --id ${del.accountId} --from ${d.stack} --to ${movedTo}, and run the pulumi state move it prints before any pulumi up`,
                });
                continue;
            }
            if (!twin) {
                removals.push(del);
                continue;
            }
            const where = `role ${del.physicalName ?? "?"} in account ${del.accountId ? label(del.accountId, del.accountName) : label(twin.entry.accountId, twin.entry.accountName)}`;
            errors.push(
                twin.stack === d.stack
                    ? {
                          urn: del.urn,
                          message: `stack ${d.stack}: ${where} would be deleted (${del.urn}) and created again (${twin.entry.urn}): its URN changed and no alias reaches the old one, so CreateRole fails with EntityAlreadyExists, or the role loses its sessions and unique id`,
                          fix: upgradeAndRename(diffs, twin.stack, twin.entry.urn, del.urn),
                      }
                    : {
                          urn: del.urn,
                          message: `${where} would be deleted from stack ${d.stack} (${del.urn}) and created in stack ${twin.stack} (${twin.entry.urn}): moving an account by editing stack files deletes and recreates its roles`,
                          fix: `move the account with npx org-access account move, which carries its resources to stack ${twin.stack} with pulumi state move, without touching AWS; then plan again against the moved stacks`,
                      },
            );
        }
        const { stack, creates: made, deletes, replaces, aliased, updates } = d;
        return { stack, creates: made, deletes, replaces, aliased, updates, errors, removals };
    });
}

/** Diffs every planned stack against its stack in FILE. Throws UsageError when FILE lacks one. */
export function diffAgainst(
    prior: readonly PriorStack[],
    planned: readonly {
        stack: string;
        resources: readonly PlannedResource[];
        outputs?: Record<string, unknown>;
    }[],
    file: string,
    elsewhere: ReadonlyMap<string, string> = new Map(),
): StackDiff[] {
    checkStacks(
        prior,
        planned.map((p) => p.stack),
        file,
    );
    return withRoleErrors(
        planned.map((p) =>
            diffStack(priorOf(prior, p.stack) as PriorStack, p.resources, accountNames(p)),
        ),
        elsewhere,
    );
}
