// The pack config the project uses by default, in one place for `plan` and `check`.
import * as path from "path";
import { PROJECT_ROOT } from "../../config/stackFile";

/**
 * The pack config CI uses with `pulumi preview --policy-pack policypack --policy-pack-config`, and
 * the one `plan` and `check` read without --policy-config / --config: the break-glass grants it
 * accepts are the project's own, so a plan that passes must also pass `plan --json | check -`.
 * From the project's root, not from this module's folder: run from dist/, that has no copy.
 */
export const DEFAULT_POLICY_CONFIG = path.join(PROJECT_ROOT, "policypack", "policy-config.json");
