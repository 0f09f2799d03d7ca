// audit-no-data-read: holds on the fixture plans, fails with the right counterexample when the
// Deny loses an entry or a policy the proof cannot see is attached, fails when it examines
// nothing, and decides every data read as @cloud-copilot/iam-simulate does.
import * as assert from "assert";
import { accessModel } from "../../../evidence/model";
import { runProofs } from "../../../evidence/proofs";
import { auditNoDataRead, DATA_READS } from "../../../evidence/proofs/audit-no-data-read";
import { actionMatches } from "../../../policypack/iam";
import dataReadTable from "../../../components/data/data-read-actions.json";
import { PROD, STAGING } from "../../helpers";
import { PlannedResource } from "../../../plan/run";
import { without, withPolicy } from "../../helpers/variants";
import {
    AUDIT_ROLE,
    crossCheck,
    planFixture,
    WITH_READ_ONLY_ACCESS,
    withProdAttachment,
    withProdInline,
} from "./auditFixture";
import { inputOf, Plans } from "./fixture";

const prove = (plans: Plans) => runProofs(inputOf("workload", plans), [auditNoDataRead])[0];

/**
 * The fixture's audit roles, counted by hand: workloadValues() plans two workload accounts (prod
 * and staging), each with one SecurityAuditRole; the management account gets none.
 */
const AUDIT_ROLES = 2;
const STAGING_AUDIT_ROLE = `arn:aws:iam::${STAGING}:role/SecurityAuditRole`;

/** The reviewed data reads, read from the table itself rather than from the proof's module. */
const TABLE_READS = Object.keys(dataReadTable.actions).length;

/** The staging audit role and its policies, as the workload stack names them. */
const stagingAuditRole = (r: PlannedResource) =>
    r.accountId === STAGING &&
    [
        `acct-${STAGING}-role`,
        `acct-${STAGING}-deny`,
        `acct-${STAGING}-securityaudit`,
        `acct-${STAGING}-viewonlyaccess`,
    ].includes(r.name);

/** The prod role's Deny without the patterns that match `action` (or without its data reads). */
function denyWithout(plans: Plans, action?: string): Plans {
    return withProdInline(plans, (d) => {
        const reads = d.Statement.find((s) => s.Sid === "DenyDataReads");
        if (!reads) throw new Error("no statement DenyDataReads");
        reads.Action = action
            ? reads.Action.filter((a: string) => !actionMatches(a, action))
            : ["s3:GetBucketPolicy"];
    });
}

describe("proof audit-no-data-read", () => {
    let plans: Plans;
    before(async () => {
        plans = await planFixture();
    });

    it("holds on the fixture plans, over every reviewed data read of every audit role", () => {
        const result = prove(plans);
        assert.deepStrictEqual(result.counterexamples, []);
        assert.strictEqual(result.holds, true);
        // 2 audit roles (prod, staging) x every data read of components/data/data-read-actions.json.
        assert.strictEqual(result.checked, AUDIT_ROLES * TABLE_READS);
        assert.ok(TABLE_READS > 300, `${TABLE_READS} data reads`);
    });

    it("counts a role's share only for a role it sweeps: without staging's audit role, checked drops by exactly the table", () => {
        const full = prove(plans);
        const fewer = prove({ ...plans, workload: without(plans.workload, stagingAuditRole) });
        assert.deepStrictEqual(fewer.counterexamples, []);
        assert.strictEqual(fewer.holds, true);
        assert.strictEqual(full.checked - fewer.checked, TABLE_READS);
        assert.strictEqual(fewer.checked, (AUDIT_ROLES - 1) * TABLE_READS);
    });

    it("sweeps the second audit role too: staging's Deny losing rds:DownloadDBLogFilePortion is a counterexample naming it", () => {
        const broken = withPolicy(plans.workload, `acct-${STAGING}-deny`, (d) => {
            const reads = d.Statement.find((s) => s.Sid === "DenyDataReads");
            if (!reads) throw new Error("no statement DenyDataReads");
            reads.Action = reads.Action.filter(
                (a: string) => !actionMatches(a, "rds:DownloadDBLogFilePortion"),
            );
        });
        const result = prove({ ...plans, workload: broken });
        assert.strictEqual(result.holds, false);
        assert.deepStrictEqual(
            result.counterexamples.map((c) => [c.principal, c.action, c.resource]),
            [[STAGING_AUDIT_ROLE, "rds:DownloadDBLogFilePortion", "*"]],
        );
    });

    it("fails when the Deny loses rds:DownloadDBLogFilePortion, which SecurityAudit grants", () => {
        const result = prove(denyWithout(plans, "rds:DownloadDBLogFilePortion"));
        assert.strictEqual(result.holds, false);
        assert.deepStrictEqual(result.counterexamples, [
            {
                principal: AUDIT_ROLE,
                path: [],
                action: "rds:DownloadDBLogFilePortion",
                resource: "*",
                statements: [
                    "SCP FullAWSAccess Statement[0]",
                    'AWS-managed SecurityAudit Statement[0] (Sid "BaseSecurityAuditStatement")',
                ],
                reason: 'the audit role may rds:DownloadDBLogFilePortion, which reads log events or log query results (in a request with aws:requestedregion=us-east-1): keep it in the role\'s inline Deny (components/data/data-read-actions.json, npm run update:data-reads) and remove the grant from AWS-managed SecurityAudit Statement[0] (Sid "BaseSecurityAuditStatement")',
            },
        ]);
    });

    it("fails on s3:GetObject when ReadOnlyAccess is attached and the Deny misses it", async () => {
        const readOnly = await planFixture(WITH_READ_ONLY_ACCESS);
        assert.deepStrictEqual(prove(readOnly).counterexamples, []);
        const found = prove(denyWithout(readOnly, "s3:GetObject")).counterexamples;
        assert.deepStrictEqual(
            found.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [
                [
                    AUDIT_ROLE,
                    "s3:GetObject",
                    "*",
                    [
                        "SCP FullAWSAccess Statement[0]",
                        'AWS-managed ReadOnlyAccess Statement[1] (Sid "ReadOnlyActionsGroup2")',
                    ],
                ],
            ],
        );
    });

    it("fails on a managed policy it has no document for", () => {
        const custom = `arn:aws:iam::${PROD}:policy/custom-reads`;
        const result = prove(withProdAttachment(plans, custom));
        assert.deepStrictEqual(
            result.counterexamples.map((c) => [c.principal, c.action, c.resource, c.statements]),
            [[AUDIT_ROLE, "*", "*", [custom]]],
        );
        assert.match(result.counterexamples[0].reason, /has no document; the proof cannot see/);
    });

    it("fails when it examines nothing: a workload plan without audit roles", () => {
        const model = accessModel({ stack: plans.workload, security: plans.security });
        const result = runProofs(inputOf("workload", plans, { ...model, roles: [] }), [
            auditNoDataRead,
        ])[0];
        assert.strictEqual(result.checked, 0);
        assert.strictEqual(result.holds, false);
    });

    it("decides every data read as iam-simulate does, with the Deny and without it", async () => {
        const actions = Object.keys(DATA_READS);
        const readOnly = await planFixture(WITH_READ_ONLY_ACCESS);
        const guarded = await crossCheck(denyWithout(readOnly, "s3:GetObject"), actions);
        assert.deepStrictEqual(guarded.disagreements, []);
        assert.deepStrictEqual([...guarded.allowed.keys()], ["s3:GetObject"]);
        const unguarded = await crossCheck(denyWithout(readOnly), actions);
        assert.deepStrictEqual(unguarded.disagreements, []);
        assert.ok(unguarded.allowed.size > 100, `${unguarded.allowed.size} data reads allowed`);
    });
});
