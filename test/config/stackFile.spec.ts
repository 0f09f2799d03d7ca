import * as assert from "assert";
import { decodeValues, parseStackFile, StackFileError } from "../../config";

describe("stack files", () => {
    it("passes values to the program as the engine does: strings for scalars, JSON for lists and maps", () => {
        const { config, secretKeys } = parseStackFile(
            [
                "config:",
                "  aws:region: us-east-1",
                '  org-access:securityAccountId: "012345678901"',
                "  org-access:workloadAccounts:",
                "    - name: prod",
                '      accountId: "777788889999"',
            ].join("\n"),
            "Pulumi.test.yaml",
        );
        assert.deepStrictEqual(config, {
            "aws:region": "us-east-1",
            "org-access:securityAccountId": "012345678901",
            "org-access:workloadAccounts": JSON.stringify([
                { name: "prod", accountId: "777788889999" },
            ]),
        });
        assert.deepStrictEqual(secretKeys, []);
        assert.deepStrictEqual(decodeValues(config)["org-access:workloadAccounts"], [
            { name: "prod", accountId: "777788889999" },
        ]);
    });

    it("replaces secure values, top-level or nested, with stable placeholders and marks the key secret", () => {
        const text = [
            "config:",
            "  org-access:securityDeployExternalId:",
            "    secure: v1:AAAA",
            "  org-access:reporters:",
            "    - name: r",
            "      externalId:",
            "        secure: v1:BBBB",
            "  org-access:auditors: [alice]",
        ].join("\n");
        const a = parseStackFile(text, "x");
        const b = parseStackFile(text, "x");
        assert.deepStrictEqual(a.secretKeys, [
            "org-access:securityDeployExternalId",
            "org-access:reporters",
        ]);
        assert.match(
            a.config["org-access:securityDeployExternalId"],
            /^offline-secret-[0-9a-f]{16}$/,
        );
        const reporter = JSON.parse(a.config["org-access:reporters"])[0];
        assert.match(reporter.externalId, /^offline-secret-[0-9a-f]{16}$/);
        assert.notStrictEqual(
            reporter.externalId,
            a.config["org-access:securityDeployExternalId"],
            "different ciphertexts give different placeholders",
        );
        assert.deepStrictEqual(a, b, "placeholders are stable");
        assert.ok(
            !a.config["org-access:reporters"].includes("BBBB"),
            "ciphertext is not passed through",
        );
    });

    it("keeps an unparsable JSON-looking string as a string, for the schema to reject", () => {
        assert.deepStrictEqual(decodeValues({ k: "[not json" }), { k: "[not json" });
    });

    it("rejects a file that is not a YAML map, or whose config is not a map", () => {
        assert.throws(
            () => parseStackFile("config: [1, 2", "bad.yaml"),
            (e: unknown) =>
                e instanceof StackFileError && /bad\.yaml is not valid YAML/.test(e.message),
        );
        assert.throws(
            () => parseStackFile("- a\n- b\n", "list.yaml"),
            /list\.yaml must be a YAML map with a "config:" section/,
        );
        assert.throws(
            () => parseStackFile("config: 3\n", "c.yaml"),
            /c\.yaml: "config:" must be a map/,
        );
    });
});
