// The offline plan saves each stack's plan for the next one to compare with (plan/previous.ts).
// A spec that runs the plan's command points that folder at a temporary one of its own, so that
// no test writes into the project, and no test reads another's (or the user's) previous plan.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLAN_STATE_ENV } from "../../plan/previous";

/** Registers hooks giving the enclosing `describe` its own saved-plans folder; returns its getter. */
export function isolatePlanState(): () => string {
    let dir = "";
    let saved: string | undefined;
    before(() => {
        saved = process.env[PLAN_STATE_ENV];
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-plans-"));
        process.env[PLAN_STATE_ENV] = dir;
    });
    after(() => {
        if (saved === undefined) delete process.env[PLAN_STATE_ENV];
        else process.env[PLAN_STATE_ENV] = saved;
        fs.rmSync(dir, { recursive: true, force: true });
    });
    return () => dir;
}
