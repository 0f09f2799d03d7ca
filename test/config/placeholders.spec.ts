import * as assert from "assert";
import {
    ConfigError,
    isPlaceholder,
    loadSecurityConfig,
    loadWorkloadConfig,
    parseStackFile,
    placeholderProblems,
    placeholdersAllowed,
    stackFileWarnings,
} from "../../config";
import { planSecurity, projectWith, securityValues, workloadValues } from "../helpers";

const FIX = `pulumi config set --secret --path 'org-access:reporters[0].externalId' "$(openssl rand -hex 32)"`;

describe("REPLACE-ME placeholders and plain-text secrets", () => {
    it("recognises placeholders in any case and with surrounding space, and nothing else", () => {
        for (const v of ["REPLACE-ME", "replace-me-x", " Replace-Me-ExternalId "])
            assert.ok(isPlaceholder(v), v);
        for (const v of ["REPLACE_ME", "please-REPLACE-ME", "offline-secret-0123456789abcdef", 3])
            assert.ok(!isPlaceholder(v), String(v));
    });

    it("names every placeholder, nested in lists and maps, with the command that sets a real value", () => {
        const problems = placeholderProblems({
            reporters: [
                { name: "a", externalId: "ext-id-0123456789abcdef" },
                { name: "b", externalId: "REPLACE-ME-b" },
            ],
            managementAccount: { accountId: "123456789012", deployExternalId: "replace-me" },
            trail: { name: "REPLACE-ME-trail" },
        });
        assert.deepStrictEqual(
            problems.map((p) => [p.path, p.fix]),
            [
                [
                    "reporters[1].externalId",
                    `pulumi config set --secret --path 'org-access:reporters[1].externalId' "$(openssl rand -hex 32)"`,
                ],
                [
                    "managementAccount.deployExternalId",
                    `pulumi config set --secret --path 'org-access:managementAccount.deployExternalId' "$(openssl rand -hex 32)"`,
                ],
                // No `<value>` in a command: pasted into bash, `<` reads a file called value.
                [
                    "trail.name",
                    "set the real value with pulumi config set --path 'org-access:trail.name' followed by the value",
                ],
            ],
        );
        assert.match(problems[0].message, /not a secret/);
    });

    it("warns about plain-text ExternalIds in a stack file, but not about secure: ones", () => {
        const { config } = parseStackFile(
            [
                "config:",
                "  aws:region: us-east-1",
                "  org-access:securityDeployExternalId: plain-text-external-id",
                "  org-access:reporters:",
                "    - name: a",
                "      externalId:",
                "        secure: v1:AAAAciphertext",
                "    - name: b",
                "      externalId: REPLACE-ME-b",
                "  other-project:externalId: not-ours",
            ].join("\n"),
            "Pulumi.security.yaml",
        );
        const warnings = stackFileWarnings(config);
        assert.deepStrictEqual(
            warnings.map((w) => [w.path, w.message.split(",")[0]]),
            [
                ["reporters[1].externalId", 'is the example placeholder "REPLACE-ME-b"'],
                ["securityDeployExternalId", "is a secret written in plain text in the stack file"],
            ],
        );
    });

    it("pulumi up refuses a placeholder ExternalId with a ConfigError naming the key and the fix", () => {
        const root = projectWith({ workload: workloadValues() });
        const values = securityValues({
            reporters: [
                { name: "reporter", externalId: "REPLACE-ME-with-pulumi-config-set-secret" },
            ],
        });
        const raw = { values, region: "us-east-1" };
        // As under the real engine (pulumi preview / up), where placeholdersAllowed() is false.
        const real = { allowPlaceholders: false };
        assert.throws(
            () => loadSecurityConfig("security", raw, root, real),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.deepStrictEqual(
                    e.problems.map((p) => [p.path, p.fix]),
                    [["reporters[0].externalId", FIX]],
                );
                assert.ok(
                    e.message.includes(
                        `* org-access:reporters[0].externalId: is the example placeholder`,
                    ),
                );
                return true;
            },
        );
        // A real value loads.
        loadSecurityConfig(
            "security",
            { values: securityValues(), region: "us-east-1" },
            root,
            real,
        );
        // The workload stack refuses placeholders the same way.
        assert.throws(
            () =>
                loadWorkloadConfig(
                    "workload",
                    {
                        values: workloadValues({
                            workloadAccounts: [
                                {
                                    name: "prod",
                                    accountId: "777788889999",
                                    deployExternalId: "REPLACE-ME",
                                },
                            ],
                        }),
                        region: "us-east-1",
                    },
                    real,
                ),
            /org-access:workloadAccounts\[0\]\.deployExternalId: is the example placeholder/,
        );
    });

    it("the offline plan (mock runtime) still plans a placeholder, so it can warn instead", async () => {
        const root = projectWith({ workload: workloadValues() });
        const result = await planSecurity(
            securityValues({ reporters: [{ name: "reporter", externalId: "REPLACE-ME-x" }] }),
            root,
        );
        assert.ok(result.resources.some((r) => r.type === "aws:iam/user:User"));
        // Under the mock runtime the default allows them; the real engine's monitor is not a mock.
        assert.strictEqual(placeholdersAllowed(), true);
    });
});
