import * as assert from "assert";
import {
    accountsWithin,
    ENGINE_MB,
    engineModel,
    estimatedPeakMemoryMb,
    POLICY_PACK_MB,
    PROGRAM_BASE_MB,
    PROGRAM_MB_PER_RESOURCE,
    PROVIDER_PROCESS_MB,
    STANDARD_RUNNER_MB,
} from "../../plan/engine";
import { PlannedResource } from "../../plan/run";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    planSecurity,
    planWorkload,
    projectWith,
    securityValues,
    workloadValues,
} from "../helpers";

/** `n` workload accounts with ids of their own. */
function accounts(n: number) {
    return Array.from({ length: n }, (_, i) => ({
        name: `team-${i}`,
        accountId: String(300000000000 + i),
    }));
}

/** A bare planned resource, for the counting rules alone. */
function resource(type: string, extra: Partial<PlannedResource> = {}): PlannedResource {
    return {
        type,
        name: `${type}-${Math.random()}`,
        urn: `urn:pulumi:t::org-access::${type}::x`,
        accountId: null,
        props: {},
        component: false,
        options: { protect: false, retainOnDelete: false, dependsOn: [], aliases: [] },
        secretProps: [],
        ...extra,
    };
}

const PROVIDER = {
    type: "pulumi:providers:aws",
    name: "p",
    urn: "urn:pulumi:t::org-access::pulumi:providers:aws::p",
    props: {},
};

describe("engine model", () => {
    it("a workload stack of k accounts starts k provider processes, whatever else it registers", async () => {
        for (const k of [1, 4, 9]) {
            const values = workloadValues({ workloadAccounts: accounts(k) });
            const plan = await planWorkload({
                ...values,
                previewRole: { name: "OrgAccessPreviewRole" },
                trustedPrincipals: {
                    ...(values.trustedPrincipals as object),
                    previewIdentityArn: "arn:aws:iam::111122223333:role/org-access-github-preview",
                },
            });
            assert.ok(plan.resources.some((r) => r.name.endsWith("-preview-role")));
            const model = engineModel(plan.resources);
            assert.strictEqual(model.providers, k, `${k} accounts`);
            assert.strictEqual(
                model.estimatedPeakMemoryMb,
                estimatedPeakMemoryMb(k, plan.resources.length),
            );
        }
    });

    it("a workload stack that reads the security stack through a StackReference starts no process for it (the built-in provider)", async () => {
        const plan = await planWorkload(
            { ...workloadValues({ workloadAccounts: accounts(3) }), trustedPrincipals: undefined },
            {
                stackOutputs: {
                    "organization/org-access/security": {
                        trustedPrincipals: workloadValues().trustedPrincipals,
                    },
                },
            },
        );
        assert.ok(plan.resources.some((r) => r.type === "pulumi:pulumi:StackReference"));
        assert.strictEqual(engineModel(plan.resources).providers, 3);
    });

    it("StackSet mode: one provider (the StackSet's administrator) however many accounts", async () => {
        const plan = await planWorkload(
            workloadValues({
                workloadAccounts: accounts(6),
                deploymentMode: "stackset",
                stackSet: {
                    adminAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
                    organizationalUnitIds: ["ou-ab12-cdefgh34"],
                },
            }),
        );
        assert.strictEqual(engineModel(plan.resources).providers, 1);
    });

    it("the security stack: one process per account it deploys into (security, management, log archive)", async () => {
        const root = projectWith({ workload: workloadValues() });
        const three = await planSecurity(securityValues(), root);
        assert.strictEqual(engineModel(three.resources).providers, 3);
        // The log archive in the management account: one provider serves both.
        const two = await planSecurity(
            securityValues({
                logArchiveAccount: { accountId: MANAGEMENT, deployRoleName: "OrgAccessDeployRole" },
            }),
            root,
        );
        assert.strictEqual(engineModel(two.resources).providers, 2);
        assert.notStrictEqual(LOG_ARCHIVE, MANAGEMENT);
    });

    it("counts a default provider once per package, and none for components, stack references or the built-in provider", () => {
        const explicit = [
            resource("pulumi:providers:aws"),
            resource("aws:iam/role:Role", { provider: PROVIDER }),
            resource("org-access:access:AuditRole", { component: true }),
            resource("pulumi:pulumi:StackReference"),
            resource("pulumi:providers:pulumi"),
        ];
        assert.strictEqual(engineModel(explicit).providers, 1);
        const withDefault = [
            ...explicit,
            resource("aws:s3/bucket:Bucket"),
            resource("aws:iam/user:User"),
            resource("random:index/randomId:RandomId"),
        ];
        assert.strictEqual(engineModel(withDefault).providers, 3, "aws and random defaults");
    });

    it("the arithmetic: every provider process adds its peak, every resource the program's share", () => {
        const base = estimatedPeakMemoryMb(0, 0);
        assert.strictEqual(base, ENGINE_MB + PROGRAM_BASE_MB + POLICY_PACK_MB);
        assert.strictEqual(estimatedPeakMemoryMb(7, 0) - base, 7 * PROVIDER_PROCESS_MB);
        assert.strictEqual(
            estimatedPeakMemoryMb(0, 1000) - base,
            Math.round(1000 * PROGRAM_MB_PER_RESOURCE),
        );
        // pulumi/pulumi-aws#5860's largest process and #5226's smallest bound the per-process figure.
        assert.ok(PROVIDER_PROCESS_MB >= 430 && PROVIDER_PROCESS_MB > 170);
    });

    it("accountsWithin is the largest account count whose estimate fits", () => {
        for (const memory of [2048, STANDARD_RUNNER_MB, 16 * 1024]) {
            const k = accountsWithin(memory);
            assert.ok(estimatedPeakMemoryMb(k, 13 * k) <= memory, `${k} fit ${memory}`);
            assert.ok(estimatedPeakMemoryMb(k + 1, 13 * (k + 1)) > memory, `${k + 1} do not`);
        }
        assert.strictEqual(accountsWithin(100), 0);
    });

    it("the default maxAccountsPerStack (10) fits a standard GitHub-hosted runner with a third to spare", () => {
        // 10: DEFAULT_MAX_ACCOUNTS_PER_STACK of config/schema/workload.ts (account placement).
        const peak = estimatedPeakMemoryMb(10, 13 * 10);
        assert.ok(peak <= STANDARD_RUNNER_MB * (2 / 3), `${peak} MB`);
        assert.ok(accountsWithin(STANDARD_RUNNER_MB) >= 10);
    });
});
