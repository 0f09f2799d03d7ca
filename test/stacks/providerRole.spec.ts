import * as assert from "assert";
import { ConfigError, validateSecurityConfig, withProviderRoleOverride } from "../../config";
import { PlanResult } from "../../plan/run";
import { accountResourceName } from "../../stacks/resourceNames";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    ofType,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    STAGING,
    workloadValues,
} from "../helpers";

const CI = { ci: { repository: "example-org/org-access", stateBucket: "example-state" } };
const IDENTITY = `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`;
const WORKLOAD_FILE = {
    securityAccountId: SECURITY,
    workloadAccounts: [{ name: "prod", accountId: PROD }],
    previewRole: { name: "OrgAccessPreviewRole" },
};
const workload = (overrides: Record<string, unknown> = {}) =>
    workloadValues({
        previewRole: { name: "OrgAccessPreviewRole" },
        workloadAccounts: [
            { name: "prod", accountId: PROD, deployExternalId: "deploy-ext-0123456789" },
            { name: "staging", accountId: STAGING },
        ],
        trustedPrincipals: {
            ...(workloadValues().trustedPrincipals as object),
            previewIdentityArn: IDENTITY,
        },
        ...overrides,
    });

/** Each provider's account and the role it assumes, with its session name and ExternalId. */
function providers(plan: PlanResult) {
    // Sorted by name: acct-<id> (stacks/resourceNames.ts), so by account id.
    const all = ofType(plan, "pulumi:providers:aws").sort((a, b) => a.name.localeCompare(b.name));
    return all.map((p) => {
        // Provider inputs reach the engine JSON-encoded.
        const raw = p.props.assumeRoles;
        type AssumeRole = { roleArn: string; sessionName?: string; externalId?: string };
        const [role] = (typeof raw === "string" ? JSON.parse(raw) : raw) as AssumeRole[];
        const allowed = p.props.allowedAccountIds;
        return {
            name: p.name,
            allowed: typeof allowed === "string" ? JSON.parse(allowed) : allowed,
            ...role,
        };
    });
}

/** Every non-provider resource with its inputs: what a deploy would create or change. */
const managed = (plan: PlanResult) =>
    plan.resources
        .filter((r) => r.type !== "pulumi:providers:aws")
        .map((r) => `${r.urn} ${r.accountId} ${JSON.stringify(r.props)}`)
        .sort();

async function withEnv<T>(value: string | undefined, run: () => Promise<T>): Promise<T> {
    const before = process.env.ORG_ACCESS_PROVIDER_ROLE;
    if (value === undefined) delete process.env.ORG_ACCESS_PROVIDER_ROLE;
    else process.env.ORG_ACCESS_PROVIDER_ROLE = value;
    try {
        return await run();
    } finally {
        if (before === undefined) delete process.env.ORG_ACCESS_PROVIDER_ROLE;
        else process.env.ORG_ACCESS_PROVIDER_ROLE = before;
    }
}

describe("providerRole: the same program previews with the preview roles and deploys with the deploy roles", () => {
    it("deploy (the default): every provider assumes its account's deploy role", async () => {
        const plan = await withEnv(undefined, () => planWorkload(workload()));
        assert.deepStrictEqual(providers(plan), [
            {
                name: accountResourceName(STAGING),
                allowed: [STAGING],
                roleArn: `arn:aws:iam::${STAGING}:role/OrganizationAccountAccessRole`,
                sessionName: "org-access-workload",
            },
            {
                name: accountResourceName(PROD),
                allowed: [PROD],
                roleArn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
                sessionName: "org-access-workload",
                externalId: "deploy-ext-0123456789",
            },
        ]);
    });

    it("preview: every provider assumes its account's preview role, without the deploy ExternalId, and nothing else changes", async () => {
        const deploy = await withEnv(undefined, () => planWorkload(workload()));
        const preview = await withEnv(undefined, () =>
            planWorkload(workload({ providerRole: "preview" })),
        );
        assert.deepStrictEqual(providers(preview), [
            {
                name: accountResourceName(STAGING),
                allowed: [STAGING],
                roleArn: `arn:aws:iam::${STAGING}:role/OrgAccessPreviewRole`,
                sessionName: "org-access-preview-workload",
            },
            {
                name: accountResourceName(PROD),
                allowed: [PROD],
                roleArn: `arn:aws:iam::${PROD}:role/OrgAccessPreviewRole`,
                sessionName: "org-access-preview-workload",
            },
        ]);
        // Only the providers' inputs differ: no resource is added, removed or changed by the switch.
        assert.deepStrictEqual(managed(preview), managed(deploy));
    });

    it("ORG_ACCESS_PROVIDER_ROLE overrides the config for one run, in both stacks", async () => {
        const wl = await withEnv("preview", () =>
            planWorkload(workload({ providerRole: "deploy" })),
        );
        assert.ok(
            providers(wl).every((p) => /:role\/OrgAccessPreviewRole$/.test(String(p.roleArn))),
        );
        const sec = await withEnv("preview", () =>
            planSecurity(securityValues(CI), projectWith({ workload: WORKLOAD_FILE })),
        );
        assert.deepStrictEqual(
            providers(sec).map((p) => [p.name, p.roleArn, p.externalId]),
            [
                ["log-archive", `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessPreviewRole`, undefined],
                ["management", `arn:aws:iam::${MANAGEMENT}:role/OrgAccessPreviewRole`, undefined],
                ["security", `arn:aws:iam::${SECURITY}:role/OrgAccessPreviewRole`, undefined],
            ],
        );
        const back = await withEnv("deploy", () =>
            planWorkload(workload({ providerRole: "preview" })),
        );
        assert.ok(
            providers(back).every((p) => /OrganizationAccountAccessRole$/.test(String(p.roleArn))),
        );
    });

    it("reads the override in config/index.ts only: an empty variable is unset, any other value is validated", () => {
        const raw = { values: { providerRole: "deploy" }, region: "us-east-1" };
        assert.deepStrictEqual(withProviderRoleOverride(raw, {}), raw);
        assert.deepStrictEqual(
            withProviderRoleOverride(raw, { ORG_ACCESS_PROVIDER_ROLE: "" }),
            raw,
        );
        assert.deepStrictEqual(
            withProviderRoleOverride(raw, { ORG_ACCESS_PROVIDER_ROLE: "preview" }).values,
            { providerRole: "preview" },
        );
        for (const bad of ["Preview", "admin", "deploy "]) {
            try {
                validateSecurityConfig(
                    withProviderRoleOverride(
                        { values: securityValues(CI), region: "us-east-1" },
                        { ORG_ACCESS_PROVIDER_ROLE: bad },
                    ),
                );
                assert.fail(`expected ${bad} to be refused`);
            } catch (e) {
                assert.ok(e instanceof ConfigError, String(e));
                assert.deepStrictEqual(e.message.split("\n").slice(1), [
                    `* org-access:providerRole: must be deploy or preview (set by org-access:providerRole or the ORG_ACCESS_PROVIDER_ROLE environment variable) (got "${bad}") (fix with: pulumi config set org-access:providerRole deploy)`,
                ]);
            }
        }
    });

    it("refuses preview where no preview role exists, before registering anything", async () => {
        const noCi = await rejection(
            withEnv("preview", () =>
                planSecurity(securityValues(), projectWith({ workload: WORKLOAD_FILE })),
            ),
        );
        assert.match(
            noCi.message,
            /\* org-access:providerRole: is preview, but org-access:ci is not configured/,
        );
        const noRole = await rejection(withEnv("preview", () => planWorkload(workloadValues())));
        assert.match(
            noRole.message,
            /\* org-access:providerRole: is preview, but previewRole is not set/,
        );
    });
});
