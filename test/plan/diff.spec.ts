import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { validateWorkloadConfig } from "../../config";
import { accountsOfOtherStacks, parseAgainst } from "../../plan/against";
import { diffAgainst, StackDiff } from "../../plan/diff";
import { planStack, PlanResult, PROJECT } from "../../plan/run";
import { accountResourceName } from "../../stacks/resourceNames";
import {
    DEV,
    MANAGEMENT,
    one,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    stackFileOf,
    STAGING,
    workloadValues,
} from "../helpers";
import { diffOf, onlyDiff, planJson } from "../helpers/diff";

const FIXTURES = path.join(__dirname, "fixtures");
const ROLE = "aws:iam/role:Role";
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));

/** Principals for every role the workload stack can create: audit, preview and both duty roles. */
const PRINCIPALS = {
    humanArns: [`arn:aws:iam::${SECURITY}:user/org-access/alice`],
    reporters: [
        {
            name: "reporter",
            arn: `arn:aws:iam::${SECURITY}:user/org-access/reporter`,
            externalId: "ext-id-0123456789abcdef",
        },
    ],
    incidentResponderArns: [`arn:aws:iam::${SECURITY}:user/org-access/carol`],
    breakGlassArns: [`arn:aws:iam::${SECURITY}:user/org-access/dana-breakglass`],
    previewIdentityArn: `arn:aws:iam::${SECURITY}:role/org-access-ci-preview`,
};

/** The same without the preview identity, for stacks without preview roles (config refuses it unused). */
const NO_PREVIEW = Object.fromEntries(
    Object.entries(PRINCIPALS).filter(([k]) => k !== "previewIdentityArn"),
);

type Account = { name: string; accountId: string; [k: string]: unknown };
const PROD_ACCOUNT: Account = {
    name: "prod",
    accountId: PROD,
    incidentResponseRole: true,
    breakGlassRole: true,
};
const STAGING_ACCOUNT: Account = { name: "staging", accountId: STAGING };
const DEV_ACCOUNT: Account = { name: "dev", accountId: DEV };

const plan = (accounts: Account[], extra: Record<string, unknown> = {}) =>
    planWorkload(
        workloadValues({
            workloadAccounts: accounts,
            previewRole: { name: "OrgAccessPreviewRole" },
            trustedPrincipals: PRINCIPALS,
            ...extra,
        }),
    );

/** One account, prod, with the audit role alone: what the hand-written export holds. */
const planProdOnly = () =>
    planWorkload(
        workloadValues({
            workloadAccounts: [{ name: "prod", accountId: PROD }],
            trustedPrincipals: NO_PREVIEW,
        }),
    );

const counts = (d: StackDiff) => ({
    creates: d.creates.length,
    deletes: d.deletes.length,
    replaces: d.replaces.length,
    errors: d.errors.length,
});
const roleDeletes = (d: StackDiff) => d.deletes.filter((x) => x.type === ROLE);

describe("plan --against: what a change creates, deletes or replaces", () => {
    let base: PlanResult;
    before(async () => {
        base = await plan([PROD_ACCOUNT, STAGING_ACCOUNT, DEV_ACCOUNT]);
    });

    it("renaming an account (staging -> stage) changes no URN: nothing is created, deleted or replaced", async () => {
        const after = await plan([
            PROD_ACCOUNT,
            { ...STAGING_ACCOUNT, name: "stage" },
            DEV_ACCOUNT,
        ]);
        const diff = onlyDiff(planJson(base), after);
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 0, replaces: 0, errors: 0 });
        assert.deepStrictEqual(diff.aliased, [], "every resource is found under its own URN");
        // The human name lives on in the tags and the outputs.
        const role = one(after, ROLE, `${accountResourceName(STAGING)}-role`);
        assert.strictEqual((role.props.tags as Record<string, string>).Account, "stage");
        assert.ok("stage" in (after.outputs.auditRoleArns as object));
        assert.ok(!("staging" in (after.outputs.auditRoleArns as object)));
    });

    it("re-ordering the account list changes nothing", async () => {
        const after = await plan([DEV_ACCOUNT, STAGING_ACCOUNT, PROD_ACCOUNT]);
        assert.deepStrictEqual(counts(onlyDiff(planJson(base), after)), {
            creates: 0,
            deletes: 0,
            replaces: 0,
            errors: 0,
        });
    });

    it("enabling incidentResponseRole on one account only creates that account's IncidentResponseRole", async () => {
        const after = await plan([
            PROD_ACCOUNT,
            { ...STAGING_ACCOUNT, incidentResponseRole: true },
            DEV_ACCOUNT,
        ]);
        const diff = onlyDiff(planJson(base), after);
        assert.deepStrictEqual(counts(diff), { creates: 3, deletes: 0, replaces: 0, errors: 0 });
        const ir = `urn:pulumi:workload::org-access::org-access:access:IncidentResponseRole$`;
        assert.deepStrictEqual(
            diff.creates.map((c) => [c.urn, c.accountId]),
            [
                `${ir}aws:iam/role:Role::acct-${STAGING}-incident-response-role`,
                `${ir}aws:iam/rolePolicyAttachment:RolePolicyAttachment::acct-${STAGING}-incident-response-securityaudit`,
                `${ir}aws:iam/rolePolicy:RolePolicy::acct-${STAGING}-incident-response-response`,
            ].map((u) => [u, STAGING]),
        );
        assert.strictEqual(diff.creates[0].physicalName, "/IncidentResponseRole");
    });

    it("removing an account deletes that account's resources only, reported as a removal, not an error", async () => {
        const after = await plan([PROD_ACCOUNT, DEV_ACCOUNT]);
        const diff = onlyDiff(planJson(base), after);
        // Its provider, its audit role (role, two attachments, Deny), its preview role (role, two
        // attachments, two inline policies).
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 10, replaces: 0, errors: 0 });
        for (const d of diff.deletes) assert.strictEqual(d.accountId, STAGING, d.urn);
        assert.deepStrictEqual(diff.removals.map((r) => r.physicalName).sort(), [
            "/OrgAccessPreviewRole",
            "/SecurityAuditRole",
        ]);
        assert.deepStrictEqual(roleDeletes(diff), diff.removals);
    });

    it("upgrading from the names of the previous version is a no-op: every resource is found through an alias", async () => {
        // The previous version's own `npm start -- --json` (prod and staging, every role kind),
        // planned from the same config before names derived from the account id.
        const legacy = fixture("legacy-workload.plan.json");
        const after = await plan([PROD_ACCOUNT, STAGING_ACCOUNT]);
        const diff = onlyDiff(legacy, after);
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 0, replaces: 0, errors: 0 });
        assert.strictEqual(diff.aliased.length, legacy.resources.length);
        const auditRole = diff.aliased.find((a) => a.to.endsWith(`::acct-${PROD}-role`));
        assert.deepStrictEqual(auditRole, {
            from: "urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/role:Role::prod-role",
            to: `urn:pulumi:workload::org-access::org-access:access:AuditRole$aws:iam/role:Role::acct-${PROD}-role`,
        });
    });

    it("without the aliases, the same upgrade would recreate every role: the error says so, with the fix", async () => {
        const after = await plan([PROD_ACCOUNT, STAGING_ACCOUNT]);
        const unaliased: PlanResult = {
            ...after,
            resources: after.resources.map((r) => ({
                ...r,
                options: { ...r.options, aliases: [] },
            })),
        };
        const diff = onlyDiff(fixture("legacy-workload.plan.json"), unaliased);
        const roles = after.resources.filter((r) => r.type === ROLE).length;
        assert.strictEqual(roleDeletes(diff).length, roles);
        assert.strictEqual(diff.errors.length, roles);
        assert.deepStrictEqual(diff.removals, []);
        const audit = diff.errors.find((e) => e.urn.endsWith("::prod-role"))!;
        assert.match(
            audit.message,
            // The account's name from config, next to its id.
            /role \/SecurityAuditRole in account 777788889999 \(prod\) would be deleted/,
        );
        assert.match(audit.message, /EntityAlreadyExists/);
        assert.strictEqual(
            audit.fix,
            'name the resource from the account id (accountResourceName in stacks/resourceNames.ts), or give it aliases: [{ name: "prod-role" }]',
        );
    });

    it("an upgrade made together with a swap of two accounts' names is an error: an alias would cross accounts", async () => {
        // The aliases are keyed on the names in config: swapped, each reaches the other account's
        // resources, which the engine would then update through the wrong account's provider.
        const swapped = await plan([
            { ...PROD_ACCOUNT, name: "staging" },
            { ...STAGING_ACCOUNT, name: "prod" },
        ]);
        const diff = onlyDiff(fixture("legacy-workload.plan.json"), swapped);
        const provider = diff.errors.find((e) =>
            e.urn.endsWith(`pulumi:providers:aws::acct-${PROD}`),
        );
        assert.ok(provider, diff.errors.map((e) => e.urn).join("\n"));
        assert.match(
            provider.message,
            new RegExp(
                `would take over urn:pulumi:workload::org-access::pulumi:providers:aws::staging, a resource of account ${STAGING}, through an alias`,
            ),
        );
        assert.match(provider.fix, /^upgrade with the account names as they are deployed/);
        // Every resource staging had in the old state is claimed by prod's, and the other way round.
        const crossed = diff.errors.filter((e) => /would take over/.test(e.message));
        assert.strictEqual(
            crossed.length,
            diff.aliased.length,
            "every alias match crossed accounts",
        );
    });

    it("reads a pulumi stack export: the legacy state of one account upgrades with nothing to create or delete", async () => {
        const after = await planProdOnly();
        const diff = onlyDiff(fixture("legacy-workload.export.json"), after);
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 0, replaces: 0, errors: 0 });
        // Provider, role, two attachments, the Deny; the root stack resource is not compared.
        assert.deepStrictEqual(
            diff.aliased.map((a) => a.from.split("::").pop()),
            ["prod", "prod-role", "prod-securityaudit", "prod-viewonlyaccess", "prod-deny"],
        );
    });

    it("a role whose path changed is replaced, which is an error (IAM cannot rename a role)", async () => {
        const state = fixture("legacy-workload.export.json");
        const role = state.deployment.resources.find((r: any) => r.type === ROLE);
        role.inputs.path = "/audit/";
        const after = await planProdOnly();
        const diff = onlyDiff(state, after);
        assert.deepStrictEqual(
            diff.replaces.map((r) => [r.from.split("::").pop(), r.properties]),
            [["prod-role", ["path"]]],
        );
        assert.strictEqual(diff.errors.length, 1);
        assert.match(diff.errors[0].message, /would be replaced \(path changed\)/);
    });

    it("a provider reference that changes without an alias replaces every resource of the account", async () => {
        const state = fixture("legacy-workload.export.json");
        for (const r of state.deployment.resources)
            if (typeof r.provider === "string")
                r.provider = r.provider.replace("::prod::", "::prod-old::");
        const after = await planProdOnly();
        const diff = onlyDiff(state, after);
        assert.deepStrictEqual(
            diff.replaces.map((r) => r.properties),
            [["provider"], ["provider"], ["provider"], ["provider"]],
        );
        assert.match(diff.errors[0].fix, /alias it from its old name/);
    });

    it("a provider whose region changed is replaced, and with it every resource it manages", async () => {
        const state = fixture("legacy-workload.export.json");
        const provider = state.deployment.resources.find(
            (r: any) => r.type === "pulumi:providers:aws",
        );
        provider.inputs.region = "eu-west-1";
        const diff = onlyDiff(state, await planProdOnly());
        assert.deepStrictEqual(
            diff.replaces.map((r) => [r.from.split("::").pop(), r.properties]),
            [
                ["prod", ["region"]],
                ["prod-role", ["provider"]],
                ["prod-securityaudit", ["provider"]],
                ["prod-viewonlyaccess", ["provider"]],
                ["prod-deny", ["provider"]],
            ],
        );
        assert.strictEqual(diff.errors.length, 1, "the role's replacement is refused");
    });

    it("moving an account between shards by editing the stack files is an error: the role would be recreated", async () => {
        const shard = (stack: string, accounts: Account[]) =>
            planStack({
                stack,
                stackFile: stackFileOf(
                    workloadValues({ workloadAccounts: accounts, trustedPrincipals: NO_PREVIEW }),
                ),
            });
        const beforeA = await shard("workload-a", [STAGING_ACCOUNT, DEV_ACCOUNT]);
        const beforeB = await shard("workload-b", [{ name: "prod", accountId: PROD }]);
        const afterA = await shard("workload-a", [DEV_ACCOUNT]);
        const afterB = await shard("workload-b", [
            { name: "prod", accountId: PROD },
            STAGING_ACCOUNT,
        ]);
        const [a, b] = diffOf(planJson(beforeA, beforeB), afterA, afterB);
        assert.deepStrictEqual(counts(a), { creates: 0, deletes: 5, replaces: 0, errors: 1 });
        assert.deepStrictEqual(counts(b), { creates: 5, deletes: 0, replaces: 0, errors: 0 });
        assert.match(
            a.errors[0].message,
            /^role \/SecurityAuditRole in account 555555555555 \(staging\) would be deleted from stack workload-a \(.*\) and created in stack workload-b/,
        );
        assert.match(a.errors[0].fix, /npx org-access account move/);
        // The same move planned one shard at a time looks like a removal: say where to look.
        assert.deepStrictEqual(diffOf(planJson(beforeA), afterA)[0].removals.length, 1);
    });

    it("StackSet mode: renaming an account changes no resource", async () => {
        const stackset = {
            deploymentMode: "stackset",
            stackSet: {
                adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
                organizationalUnitIds: ["ou-ab12-cdefgh34"],
            },
        };
        // StackSet mode deploys the audit role alone: no duty or preview roles.
        const stacksetPlan = (staging: string) =>
            planWorkload(
                workloadValues({
                    ...stackset,
                    workloadAccounts: [
                        { name: "prod", accountId: PROD },
                        { name: staging, accountId: STAGING },
                    ],
                }),
            );
        const was = await stacksetPlan("staging");
        const now = await stacksetPlan("stage");
        const diff = onlyDiff(planJson(was), now);
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 0, replaces: 0, errors: 0 });
        assert.ok(was.resources.some((r) => r.type === "aws:cloudformation/stackSet:StackSet"));
    });

    it("the security stack: renaming a workload account changes none of its resources", async () => {
        const security = (name: string) =>
            planSecurity(
                securityValues(),
                projectWith({
                    workload: {
                        securityAccountId: SECURITY,
                        workloadAccounts: [
                            { name: "prod", accountId: PROD },
                            { name, accountId: STAGING },
                        ],
                    },
                }),
            );
        const diff = onlyDiff(planJson(await security("staging")), await security("stage"));
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 0, replaces: 0, errors: 0 });
    });
});

describe("plan --against: what review found", () => {
    const stacksetPlan = (stackSet: Record<string, unknown>) =>
        planWorkload(
            workloadValues({
                deploymentMode: "stackset",
                stackSet: {
                    adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
                    organizationalUnitIds: ["ou-ab12-cdefgh34"],
                    ...stackSet,
                },
                workloadAccounts: [{ name: "prod", accountId: PROD }],
            }),
        );
    const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
    const STACK_SET = "aws:cloudformation/stackSet:StackSet";

    it("StackSet mode: a new StackSet name replaces the StackSet and its instance, which is an error", async () => {
        const was = await stacksetPlan({});
        const diff = onlyDiff(planJson(was), await stacksetPlan({ name: "audit-role-v2" }));
        assert.deepStrictEqual(
            diff.replaces.map((r) => [r.type, r.properties]),
            [
                [STACK_SET, ["name"]],
                [INSTANCE, ["stackSetName"]],
            ],
        );
        assert.strictEqual(diff.errors.length, 2);
        assert.match(diff.errors[0].message, /StackSet .* would be replaced \(name changed\)/);
        assert.match(diff.errors[0].fix, /^keep stackSet\.name as deployed/);
    });

    it("StackSet mode: a changed OU list replaces the instance, which is an error", async () => {
        const was = await stacksetPlan({});
        const diff = onlyDiff(
            planJson(was),
            await stacksetPlan({ organizationalUnitIds: ["ou-ab12-cdefgh34", "ou-ab12-ijklmn56"] }),
        );
        assert.deepStrictEqual(
            diff.replaces.map((r) => [r.type, r.properties]),
            [[INSTANCE, ["deploymentTargets"]]],
        );
        assert.strictEqual(diff.errors.length, 1);
        assert.match(diff.errors[0].message, /audit role stack in every account of its OUs/);
        assert.match(diff.errors[0].fix, /^keep stackSet\.organizationalUnitIds/);
    });

    it("StackSet mode: leaving it deletes the StackSet and its instance, which is an error", async () => {
        const was = await stacksetPlan({});
        const diff = onlyDiff(planJson(was), await planProdOnly());
        const carriers = diff.errors.filter((e) => /StackSet/.test(e.message));
        assert.deepStrictEqual(carriers.map((e) => e.urn.split("::").pop()).sort(), [
            "audit-role-stackset",
            "audit-role-us-east-1",
        ]);
        assert.match(carriers[0].message, /would be deleted/);
    });

    it("a move made by editing the files is an error when the other stack file lists the account, though only one stack is planned", async () => {
        const shard = (accounts: Account[]) =>
            planStack({
                stack: "workload-a",
                stackFile: stackFileOf(
                    workloadValues({ workloadAccounts: accounts, trustedPrincipals: NO_PREVIEW }),
                ),
            });
        const before = planJson(await shard([STAGING_ACCOUNT, DEV_ACCOUNT]));
        const after = await shard([DEV_ACCOUNT]);
        const [moved] = diffAgainst(
            parseAgainst(before, "a.json", PROJECT),
            [after],
            "a.json",
            new Map([[STAGING, "workload-b"]]),
        );
        assert.deepStrictEqual(moved.removals, []);
        assert.strictEqual(moved.errors.length, 1);
        assert.match(
            moved.errors[0].message,
            /role \/SecurityAuditRole in account 555555555555 \(staging\) would be deleted .* Pulumi\.workload-b\.yaml lists the account/,
        );
        assert.match(
            moved.errors[0].fix,
            /npx org-access account move --id 555555555555 --from workload-a --to workload-b/,
        );
        // An account no other stack lists is a removal, as before.
        const [removed] = diffAgainst(
            parseAgainst(before, "a.json", PROJECT),
            [after],
            "a.json",
            new Map([[PROD, "workload-b"]]),
        );
        assert.deepStrictEqual(removed.errors, []);
        assert.strictEqual(removed.removals.length, 1);
    });

    it("reads the accounts of the project's other workload stack files", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "against-"));
        try {
            const write = (stack: string, accounts: Account[]) =>
                fs.writeFileSync(
                    path.join(root, `Pulumi.${stack}.yaml`),
                    YAML.stringify({ config: { "org-access:workloadAccounts": accounts } }),
                );
            write("workload", [PROD_ACCOUNT]);
            write("workload-eu", [STAGING_ACCOUNT, DEV_ACCOUNT]);
            fs.writeFileSync(path.join(root, "Pulumi.security.yaml"), "config: {}\n");
            fs.writeFileSync(path.join(root, "Pulumi.workload-bad.yaml"), "config: [\n");
            assert.deepStrictEqual(
                [...accountsOfOtherStacks(root, ["workload"])],
                [
                    [STAGING, "workload-eu"],
                    [DEV, "workload-eu"],
                ],
            );
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("an export of a stack never deployed (no resources, or an empty list) plans every resource as a create", async () => {
        const after = await planProdOnly();
        const deployed = after.resources.filter((r) => !r.component).length;
        const missing = fixture("never-deployed.export.json");
        assert.strictEqual(missing.deployment.resources, undefined);
        const empty = { ...missing, deployment: { ...missing.deployment, resources: [] } };
        for (const state of [missing, empty]) {
            const diff = onlyDiff(state, after);
            assert.deepStrictEqual(counts(diff), {
                creates: deployed,
                deletes: 0,
                replaces: 0,
                errors: 0,
            });
        }
        // It names no stack, so it stands for one planned stack only.
        assert.throws(
            () => diffOf(missing, after, after),
            /an export without resources, which names no stack/,
        );
    });

    it("a real export's StackReference and its default provider, and a secret input, are no changes", async () => {
        const state = fixture("legacy-workload.export.json");
        const types = state.deployment.resources.map((r: any) => r.type);
        assert.ok(types.includes("pulumi:providers:pulumi"));
        assert.ok(types.includes("pulumi:pulumi:StackReference"));
        // A default provider of aws, for a resource registered without an explicit provider.
        state.deployment.resources.push({
            urn: "urn:pulumi:workload::org-access::pulumi:providers:aws::default_7_48_0",
            custom: true,
            id: "3c1f5e2a-0b9d-4c7e-8f6a-5d4c3b2a1f0e",
            type: "pulumi:providers:aws",
            inputs: { region: "us-east-1", version: "7.48.0" },
        });
        const role = state.deployment.resources.find((r: any) => r.type === ROLE);
        assert.strictEqual(role.inputs.assumeRolePolicy.ciphertext.startsWith("v1:"), true);
        // A replace-on-change input held as ciphertext: no evidence either way.
        role.inputs.path = { ...role.inputs.assumeRolePolicy };
        const diff = onlyDiff(state, await planProdOnly());
        assert.deepStrictEqual(counts(diff), { creates: 0, deletes: 0, replaces: 0, errors: 0 });
    });

    it("two resources reaching the same deployed URN are an error, as the engine's duplicate-alias check", async () => {
        const base = await plan([PROD_ACCOUNT, STAGING_ACCOUNT]);
        const prodProvider = `urn:pulumi:workload::org-access::pulumi:providers:aws::acct-${PROD}`;
        // What an account named acct-777788889999 would have: a legacy alias onto prod's provider.
        const after: PlanResult = {
            ...base,
            resources: base.resources.map((r) =>
                r.urn === `urn:pulumi:workload::org-access::pulumi:providers:aws::acct-${STAGING}`
                    ? { ...r, options: { ...r.options, aliases: [prodProvider] } }
                    : r,
            ),
        };
        const diff = onlyDiff(planJson(base), after);
        assert.strictEqual(diff.errors.length, 1);
        assert.match(
            diff.errors[0].message,
            new RegExp(`acct-${STAGING} and .*acct-${PROD} both reach .*acct-${PROD}`),
        );
        assert.match(diff.errors[0].message, /Duplicate resource alias/);
    });

    it("config refuses an account named like an id-derived name, with the key and the fix", () => {
        assert.throws(
            () =>
                validateWorkloadConfig(
                    {
                        values: workloadValues({
                            workloadAccounts: [
                                { name: "prod", accountId: PROD },
                                { name: `acct-${PROD}`, accountId: DEV },
                                { name: "acct-x", accountId: STAGING },
                            ],
                        }),
                        region: "us-east-1",
                    },
                    "workload",
                ),
            (e: Error) =>
                /workloadAccounts\[1\]\.name: "acct-777788889999" starts with "acct-"/.test(
                    e.message,
                ) &&
                /workloadAccounts\[2\]\.name: "acct-x" starts with "acct-"/.test(e.message) &&
                /name the account without the "acct-" prefix/.test(e.message),
        );
    });

    it("an upgrade and a rename in the same change: the fix is to upgrade first, then rename", async () => {
        const after = await plan([PROD_ACCOUNT, { ...STAGING_ACCOUNT, name: "stage" }]);
        const diff = onlyDiff(fixture("legacy-workload.plan.json"), after);
        const audit = diff.errors.find((e) => e.urn.endsWith("::staging-role"));
        assert.ok(audit, diff.errors.map((e) => e.urn).join("\n"));
        assert.doesNotMatch(audit.fix, /give it aliases/);
        assert.match(audit.fix, /aliases \(stage-role\)/);
        assert.match(audit.fix, /deploy the upgrade with the account named as deployed first/);
        assert.match(audit.fix, /rename it in a later change$/);
    });
});
