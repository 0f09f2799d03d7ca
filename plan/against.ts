// `--against FILE`: reads FILE, a previous plan's --json or a `pulumi stack export`, into the
// resources of each stack it holds, for plan/diff.ts to compare the plan with.
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../cli/command";
import { keyedProblems } from "../cli/errors";
import { namespaceValues } from "../config/validate";
import { decodeValues, parseStackFile } from "../config/stackFile";
import { parseList } from "./mocks";
import { accountNames } from "./accountNames";
import { ownType, providerRefUrn, urnParts } from "./urn";

/** One resource of FILE. */
export interface PriorResource {
    readonly urn: string;
    readonly type: string;
    /** False for a component: it groups resources, nothing is deployed for it. */
    readonly custom: boolean;
    /** URN of its provider. */
    readonly provider?: string;
    readonly accountId: string | null;
    /** The account's name: a plan's `accountName`, an export's Stack outputs or provider names. */
    readonly accountName?: string;
    /** The inputs it was deployed with (a plan's `props`, an export's `inputs`). */
    readonly props: Record<string, unknown>;
}

/** The resources of one stack in FILE. */
export interface PriorStack {
    readonly stack: string;
    readonly resources: readonly PriorResource[];
    /**
     * An export with no resources (a stack created and never updated): no URN names its stack, so
     * it stands for whichever stack is planned, with nothing deployed.
     */
    readonly anyStack?: boolean;
    /**
     * Read from a `pulumi stack export`: its inputs also hold what the provider filled in, so an
     * input is compared only where the plan sets it (plan/diff.ts).
     */
    readonly fromExport?: boolean;
}

/** FILE's stack of that name; an export with no resources stands for any one stack. */
export function priorOf(prior: readonly PriorStack[], stack: string): PriorStack | undefined {
    const named = prior.find((s) => s.stack === stack);
    if (named) return named;
    return prior.length === 1 && prior[0].anyStack ? { stack, resources: [] } : undefined;
}

const ROOT_STACK = "pulumi:pulumi:Stack";

export { urnParts };

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function oneAccount(v: unknown): string | null {
    const ids = parseList(v);
    return ids.length === 1 ? ids[0] : null;
}

/**
 * Reads FILE: a plan's `--json` (one stack, or `{"stacks": [...]}`) or a `pulumi stack export`
 * (`{"version", "deployment": {"resources": [{"urn", "type", "custom", "inputs", "parent",
 * "provider"}]}}`: https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/). Every
 * problem is reported at once; nothing is planned against a file that is not one of these.
 */
export function readAgainst(file: string, project: string): PriorStack[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`--against ${file}: cannot read it (${(e as Error).message})`);
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (e) {
        throw new UsageError(
            `--against ${file}: not JSON (${(e as Error).message}); give a plan's --json output or a pulumi stack export`,
        );
    }
    return parseAgainst(value, file, project);
}

export function parseAgainst(value: unknown, file: string, project: string): PriorStack[] {
    const problems: string[] = [];
    let stacks: PriorStack[] = [];
    if (isObject(value) && isObject(value.deployment)) {
        stacks = fromExport(value.deployment, problems);
    } else if (isObject(value) && Array.isArray(value.stacks)) {
        stacks = value.stacks.map((s, i) => fromPlan(s, `stacks[${i}]`, problems));
    } else if (isObject(value) && typeof value.stack === "string") {
        stacks = [fromPlan(value, "", problems)];
    } else {
        problems.push(
            'is neither a plan (npx org-access plan --json: {"stack", "resources"} or {"stacks": [...]}) nor a pulumi stack export ({"deployment": {"resources": [...]}})',
        );
    }
    for (const s of stacks)
        for (const r of s.resources) {
            const p = urnParts(r.urn).project;
            if (p !== project) {
                problems.push(`${r.urn}: is a resource of project "${p}", not "${project}"`);
                break;
            }
        }
    if (problems.length > 0)
        throw new UsageError(
            `--against ${file} cannot be read (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `* ${p}`).join("\n")}`,
            keyedProblems(problems),
        );
    return stacks;
}

/** A plan's stack: its deployed resources, and the components their `parent` URNs name. */
function fromPlan(value: unknown, at: string, problems: string[]): PriorStack {
    const where = (k: string) => (at ? `${at}.${k}` : k);
    if (!isObject(value) || typeof value.stack !== "string" || !Array.isArray(value.resources)) {
        problems.push(`${at || "the plan"}: needs "stack" and "resources"`);
        return { stack: "", resources: [] };
    }
    const resources: PriorResource[] = [];
    value.resources.forEach((r, i) => {
        if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string") {
            problems.push(`${where(`resources[${i}]`)}: needs "urn" and "type" strings`);
            return;
        }
        resources.push({
            urn: r.urn,
            type: r.type,
            custom: true,
            provider: providerRefUrn(r.provider),
            accountId: typeof r.accountId === "string" ? r.accountId : null,
            ...(typeof r.accountName === "string" ? { accountName: r.accountName } : {}),
            props: isObject(r.props) ? r.props : {},
        });
    });
    // The plan's JSON lists deployed resources only; a component is known by the URN its children
    // name as their parent, which is all that matching a child's inherited alias needs.
    const known = new Set(resources.map((r) => r.urn));
    for (const r of value.resources) {
        const parent = isObject(r) && typeof r.parent === "string" ? r.parent : undefined;
        if (!parent || known.has(parent)) continue;
        known.add(parent);
        resources.push({
            urn: parent,
            type: ownType(parent),
            custom: false,
            accountId: null,
            props: {},
        });
    }
    return { stack: value.stack, resources };
}

/**
 * The stacks of an export (one, in practice), by the stack name in the URNs. A stack that was
 * created and never updated exports no `resources` at all (`omitempty` on DeploymentV3.Resources,
 * pulumi/pulumi sdk/go/common/apitype/core.go), or an empty list once everything is destroyed:
 * everything planned is then a create.
 */
function fromExport(deployment: Record<string, unknown>, problems: string[]): PriorStack[] {
    if (
        deployment.resources === undefined ||
        (Array.isArray(deployment.resources) && deployment.resources.length === 0)
    )
        return [{ stack: "", resources: [], anyStack: true, fromExport: true }];
    if (!Array.isArray(deployment.resources)) {
        problems.push("deployment.resources: must be the list of the stack's resources");
        return [];
    }
    const raw = deployment.resources.filter((r, i) => {
        const ok = isObject(r) && typeof r.urn === "string" && typeof r.type === "string";
        if (!ok) problems.push(`deployment.resources[${i}]: needs "urn" and "type" strings`);
        // The root stack resource is no cloud resource; one marked `delete` is the old half of a
        // replacement the last update left for the next to delete, not part of the stack's state.
        return ok && r.type !== ROOT_STACK && r.delete !== true;
    }) as Record<string, unknown>[];
    const accountOfProvider = new Map<string, string | null>();
    for (const r of raw)
        if (String(r.type).startsWith("pulumi:providers:"))
            accountOfProvider.set(
                String(r.urn),
                oneAccount(isObject(r.inputs) ? r.inputs.allowedAccountIds : undefined),
            );
    const byStack = new Map<string, PriorResource[]>();
    // The root stack resource names the stack even when it is all the export holds; its outputs
    // (`accounts: [{accountId, name}]`, the security stack's account ids) name the accounts, so a
    // removal's line says `777788889999 (prod)` as the plan's own lines do.
    const outputsOf = new Map<string, Record<string, unknown>>();
    for (const r of deployment.resources)
        if (isObject(r) && r.type === ROOT_STACK && typeof r.urn === "string") {
            byStack.set(urnParts(r.urn).stack, []);
            if (isObject(r.outputs)) outputsOf.set(urnParts(r.urn).stack, r.outputs);
        }
    const namesOf = new Map<string, Map<string, string>>();
    const namesOfStack = (stack: string) => {
        const known = namesOf.get(stack);
        if (known) return known;
        const names = accountNames({
            outputs: outputsOf.get(stack),
            // Providers by the name their URN gives them, as the plan's providers are named.
            resources: raw
                .filter(
                    (r) =>
                        String(r.type).startsWith("pulumi:providers:") &&
                        urnParts(String(r.urn)).stack === stack,
                )
                .map((r) => ({
                    type: String(r.type),
                    name: urnParts(String(r.urn)).name,
                    accountId: accountOfProvider.get(String(r.urn)) ?? null,
                })),
        });
        namesOf.set(stack, names);
        return names;
    };
    for (const r of raw) {
        const urn = String(r.urn);
        const provider = providerRefUrn(r.provider);
        const inputs = isObject(r.inputs) ? r.inputs : {};
        const stack = urnParts(urn).stack;
        const accountId = String(r.type).startsWith("pulumi:providers:")
            ? (accountOfProvider.get(urn) ?? null)
            : provider
              ? (accountOfProvider.get(provider) ?? null)
              : null;
        const accountName = accountId ? namesOfStack(stack).get(accountId) : undefined;
        const resource: PriorResource = {
            urn,
            type: String(r.type),
            custom: r.custom === true,
            provider,
            accountId,
            ...(accountName ? { accountName } : {}),
            props: inputs,
        };
        byStack.set(stack, [...(byStack.get(stack) ?? []), resource]);
    }
    return [...byStack].map(([stack, resources]) => ({ stack, resources, fromExport: true }));
}

/** Throws UsageError unless FILE holds every stack to plan; run before planning anything. */
export function checkStacks(prior: readonly PriorStack[], stacks: readonly string[], file: string) {
    if (prior.length === 1 && prior[0].anyStack && stacks.length > 1)
        throw new UsageError(
            `--against ${file} is an export without resources, which names no stack: plan the one stack it was exported from (--stack)`,
        );
    const missing = stacks.filter((stack) => !priorOf(prior, stack));
    if (missing.length > 0)
        throw new UsageError(
            `--against ${file} holds stack${prior.length === 1 ? "" : "s"} ${prior.map((s) => `"${s.stack}"`).join(", ") || "(none)"}, not ${missing.map((m) => `"${m}"`).join(", ")}: plan the stacks the file holds (--stack), or give a file of the stack planned`,
        );
}

/**
 * The workload accounts that stack files of the project other than `planned` list, by account id:
 * the other half of a move made by editing the files, which a plan of one stack cannot see. Every
 * `Pulumi.workload*.yaml` of `root` counts (the security stack's `workloadStacks` names files of
 * the same folder); a file that does not parse is skipped here, as its own plan reports it.
 */
export function accountsOfOtherStacks(
    root: string,
    planned: readonly string[],
): Map<string, string> {
    const byId = new Map<string, string>();
    for (const f of fs.readdirSync(root).sort()) {
        const stack = /^Pulumi\.(workload(?:-[A-Za-z0-9_.-]+)?)\.yaml$/.exec(f)?.[1];
        if (!stack || planned.includes(stack)) continue;
        let accounts: unknown;
        try {
            const { config } = parseStackFile(fs.readFileSync(path.join(root, f), "utf8"), f);
            accounts = namespaceValues(decodeValues(config)).workloadAccounts;
        } catch {
            continue;
        }
        if (!Array.isArray(accounts)) continue;
        for (const a of accounts)
            if (isObject(a) && typeof a.accountId === "string" && !byId.has(a.accountId))
                byId.set(a.accountId, stack);
    }
    return byId;
}
