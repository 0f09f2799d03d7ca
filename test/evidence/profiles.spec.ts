import * as assert from "assert";
import { accountAccess, LOGIN_PROFILE, switchRoleUrl } from "../../evidence/profiles";
import { PROD, SECURITY } from "../helpers";

const ROLE = `arn:aws:iam::${PROD}:role/SecurityAuditRole`;

describe("access for people", () => {
    describe("console switch-role links", () => {
        it("fills in the account, the role and a display name, on the partition's sign-in host", () => {
            assert.strictEqual(
                switchRoleUrl(ROLE, "org-access prod"),
                `https://signin.aws.amazon.com/switchrole?roleName=SecurityAuditRole&account=${PROD}&displayName=org-access+prod`,
            );
            assert.strictEqual(
                switchRoleUrl(`arn:aws-us-gov:iam::${PROD}:role/SecurityAuditRole`, "p"),
                `https://signin.amazonaws-us-gov.com/switchrole?roleName=SecurityAuditRole&account=${PROD}&displayName=p`,
            );
            assert.strictEqual(
                switchRoleUrl(`arn:aws-cn:iam::${PROD}:role/SecurityAuditRole`, "p"),
                `https://signin.amazonaws.cn/switchrole?roleName=SecurityAuditRole&account=${PROD}&displayName=p`,
            );
        });

        it("keeps the role's path, and encodes what a URL cannot carry as it is", () => {
            const url = switchRoleUrl(
                `arn:aws:iam::${PROD}:role/audit/SecurityAuditRole`,
                "prod & co #1",
            );
            assert.ok(url);
            const q = new URL(url).searchParams;
            assert.strictEqual(q.get("roleName"), "audit/SecurityAuditRole");
            assert.strictEqual(q.get("account"), PROD);
            assert.strictEqual(q.get("displayName"), "prod & co #1");
            assert.doesNotMatch(url, /[ &#]co/, "the display name cannot break the query");
        });

        it("gives no link where the console cannot switch: path and name over 64 characters, an ISO partition, not a role", () => {
            const long = `arn:aws:iam::${PROD}:role/${"p".repeat(40)}/${"r".repeat(24)}`;
            assert.strictEqual(switchRoleUrl(long, "x"), undefined);
            assert.ok(
                switchRoleUrl(`arn:aws:iam::${PROD}:role/${"p".repeat(39)}/${"r".repeat(24)}`, "x"),
            );
            assert.strictEqual(switchRoleUrl(`arn:aws-iso:iam::${PROD}:role/R`, "x"), undefined);
            assert.strictEqual(switchRoleUrl(`arn:aws:iam::${PROD}:user/alice`, "x"), undefined);
        });
    });

    describe("CLI profiles for people without access keys", () => {
        const access = accountAccess(
            { account: "prod", accountId: PROD, roleArn: ROLE },
            { securityAccountId: SECURITY, partition: "aws", sessionSeconds: 3600 },
        );

        it("start from the aws login profile and send MFA with sts:AssumeRole", () => {
            assert.strictEqual(
                access.human.profile,
                [
                    "[profile org-access-prod]",
                    `role_arn = ${ROLE}`,
                    `source_profile = ${LOGIN_PROFILE}`,
                    `mfa_serial = arn:aws:iam::${SECURITY}:mfa/<your-mfa-device-name>`,
                    "duration_seconds = 3600",
                    "role_session_name = <your-user-name>",
                ].join("\n"),
            );
            assert.doesNotMatch(access.human.profile, /aws_access_key_id|org-access-security/);
            assert.match(access.human.command, / --serial-number arn:aws:iam::111122223333:mfa\//);
            assert.match(access.human.command, / --profile org-access-login$/);
            assert.strictEqual(
                access.console,
                `https://signin.aws.amazon.com/switchrole?roleName=SecurityAuditRole&account=${PROD}&displayName=org-access+prod`,
            );
        });

        it("keep programs on their own keys and ExternalId", () => {
            assert.match(access.program.profile, /source_profile = org-access-reporter/);
            assert.match(access.program.profile, /external_id = <external-id>/);
            assert.doesNotMatch(access.program.profile, /mfa_serial/);
        });
    });
});
