import * as assert from "assert";
import {
    organizationControlsOf,
    organizationControlsSection,
} from "../../evidence/organizationControls";
import { renderReport } from "../../evidence/report";
import { planSecurity, PROD, projectWith, SECURITY, securityValues } from "../helpers";

const workload = {
    securityAccountId: SECURITY,
    workloadAccounts: [{ name: "prod", accountId: PROD }],
    previewRole: { name: "OrgAccessPreviewRole" },
};

describe("report: organization controls", () => {
    it("is absent when the security stack configures neither control", async () => {
        const plan = await planSecurity(securityValues(), projectWith({ workload }));
        assert.strictEqual(organizationControlsOf(plan.outputs), undefined);
    });

    it("lists root access and every archive rule with its filters and its reason", async () => {
        const plan = await planSecurity(
            securityValues({
                rootAccess: "centralized",
                accessAnalyzer: { unusedAccessAge: 45 },
                ci: { repository: "example-org/org-access", stateBucket: "example-state" },
            }),
            projectWith({ workload }),
        );
        const controls = organizationControlsOf(plan.outputs)!;
        assert.deepStrictEqual(controls.rootAccessFeatures, [
            "RootCredentialsManagement",
            "RootSessions",
        ]);
        const lines = organizationControlsSection(controls);
        assert.ok(lines.some((l) => l.includes("RootCredentialsManagement and RootSessions on")));
        assert.ok(lines.some((l) => l.includes("findings after 45 days")));
        // The CIS 1.20 claim names the Regions analyzed: aws:region alone by default here.
        assert.deepStrictEqual(controls.accessAnalyzer!.regions, ["us-east-1"]);
        assert.ok(
            lines.some((l) =>
                l.includes(
                    "(CIS AWS 1.20): an organization analyzer for external access in the Region us-east-1 ",
                ),
            ),
            lines.join("\n"),
        );
        const rows = lines.filter((l) => l.startsWith("| `"));
        assert.strictEqual(rows.length, controls.accessAnalyzer!.archiveRules.length);
        assert.strictEqual(rows.length, 1);
        assert.match(
            rows[0],
            /^\| `org-access-ci-identities` \| resourceType = `AWS::IAM::Role`; resource = `arn:aws:iam::\d{12}:role\/org-access-github-deploy` or `arn:aws:iam::\d{12}:role\/org-access-github-preview`; principal\.Federated = `arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com` \| the CI identities /,
        );
        const report = renderReport({
            source: "test",
            policyPackRan: false,
            adminExemptions: { roles: [], permissionSets: [] },
            stacks: [
                {
                    stack: "security",
                    model: {
                        partition: "aws",
                        roles: [],
                        principals: [],
                        scps: [],
                        trusted: { humanArns: [], reporters: [] },
                        region: "us-east-1",
                    },
                    evidence: [],
                    resourceCount: 0,
                    organizationControls: controls,
                },
            ],
        });
        assert.ok(report.includes("### Organization controls"));
        assert.ok(report.includes(rows[0]));
        // The controls table claims CIS 1.20 for the analyzers, and says this plan has them.
        assert.ok(
            report.includes(
                "| IAM Access Analyzer for the organization: external and unused access; active findings alarmed | `org-access-external-access`, `-unused-access`; `components/accessAnalyzer.ts` | 1.20 | CC6.1, CC7.2 | planned |",
            ),
            report.slice(report.indexOf("## Controls")),
        );
    });

    it("names every Region analyzed, those of guardrails.allowedRegions by default", async () => {
        const plan = await planSecurity(
            securityValues({
                accessAnalyzer: {},
                guardrails: { targets: ["r-abcd1234"], allowedRegions: ["us-east-1", "eu-west-1"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            projectWith({ workload }),
        );
        const lines = organizationControlsSection(organizationControlsOf(plan.outputs)!);
        assert.ok(
            lines.some((l) =>
                l.includes("external access in each of the 2 Regions us-east-1, eu-west-1 "),
            ),
            lines.join("\n"),
        );
    });

    it("says so when nothing is archived", () => {
        const lines = organizationControlsSection({
            accessAnalyzer: { unusedAccessAge: 90, regions: ["us-east-1"], archiveRules: [] },
        });
        assert.ok(lines.includes("No archive rule: every external-access finding stays active."));
        assert.ok(!lines.some((l) => l.includes("Centralized root access")));
    });
});
