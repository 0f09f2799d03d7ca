import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { auditRolePerWorkloadAccount } from "../../policypack/policies";
import { assertViolations, runStackPolicy, StackResourceSpec, WORKLOAD_ACCOUNT } from "./helpers";

const PROVIDER = "pulumi:providers:aws";

describe("audit-role-per-workload-account", () => {
    const pinned = (account: string) => ({
        type: PROVIDER,
        name: `p-${account}`,
        props: { allowedAccountIds: [account] },
    });
    const config = { workloadAccountIds: [WORKLOAD_ACCOUNT, "444444444444"] };
    it("passes when each workload account has its audit role inside the component", async () => {
        const specs: StackResourceSpec[] = [];
        for (const a of config.workloadAccountIds) {
            specs.push({ type: "org-access:access:AuditRole", name: `audit-${a}`, props: {} });
            specs.push({
                type: aws.iam.Role,
                name: `audit-${a}-role`,
                props: { name: "SecurityAuditRole" },
                provider: pinned(a),
                parent: `audit-${a}`,
            });
        }
        assertViolations(await runStackPolicy(auditRolePerWorkloadAccount, specs, config), 0);
    });
    it("flags a missing account and a role outside the component", async () => {
        const r = await runStackPolicy(
            auditRolePerWorkloadAccount,
            [
                {
                    type: aws.iam.Role,
                    name: "loose",
                    props: { name: "SecurityAuditRole" },
                    provider: pinned(WORKLOAD_ACCOUNT),
                },
            ],
            config,
        );
        assertViolations(r, 2);
        assert.ok(
            r.violations.some((v) => v.message.includes("444444444444") && v.urn === undefined),
        );
        assert.ok(
            r.violations.some(
                (v) => v.message.includes("not created by") && v.urn?.endsWith("::loose"),
            ),
        );
    });
    it("is not applicable without configured workload accounts", async () => {
        assert.ok((await runStackPolicy(auditRolePerWorkloadAccount, [])).notApplicable);
    });
});
