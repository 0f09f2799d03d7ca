import * as assert from "assert";
import {
    accountProviderName,
    accountResourceName,
    legacyAccountResourceName,
    legacyAliases,
} from "../../stacks/resourceNames";
import { PROD } from "../helpers";

describe("resource names of a workload account", () => {
    it("derive from the account id, with the part as a suffix", () => {
        assert.strictEqual(accountResourceName(PROD), "acct-777788889999");
        assert.strictEqual(accountResourceName(PROD, "preview"), "acct-777788889999-preview");
        assert.strictEqual(
            accountResourceName(PROD, "incident-response"),
            "acct-777788889999-incident-response",
        );
        assert.strictEqual(accountProviderName(PROD), "acct-777788889999");
    });

    it("alias the names of the previous version: the entry's name, with the same suffix", () => {
        assert.strictEqual(legacyAccountResourceName("staging"), "staging");
        assert.strictEqual(
            legacyAccountResourceName("staging", "break-glass"),
            "staging-break-glass",
        );
        assert.deepStrictEqual(legacyAliases("staging", "preview"), [{ name: "staging-preview" }]);
        assert.deepStrictEqual(legacyAliases("staging"), [{ name: "staging" }]);
    });
});
