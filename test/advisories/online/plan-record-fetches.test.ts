import { describe, expect, test } from "bun:test";
import { planRecordFetches } from "../../../src/advisories/online/plan-record-fetches.ts";

function pkg(name: string, ids: string[], needed: string[]) {
  return { query: { ecosystem: "Debian:12", name, version: "1.0-1" }, ids, needed };
}

describe("planRecordFetches", () => {
  test("package query when most records are needed", () => {
    const plan = planRecordFetches([pkg("openssl", ["A", "B", "C"], ["A", "B", "C"])]);
    expect(plan).toEqual([
      {
        kind: "package",
        query: { ecosystem: "Debian:12", name: "openssl", version: "1.0-1" },
        ids: ["A", "B", "C"],
      },
    ]);
  });

  test("single needed record gets a GET", () => {
    const plan = planRecordFetches([pkg("zlib", ["A"], ["A"])]);
    expect(plan).toEqual([{ kind: "record", id: "A" }]);
  });

  test("few changed records get GETs", () => {
    const ids = Array.from({ length: 10 }, (_, index) => `R${index}`);
    const plan = planRecordFetches([pkg("linux", ids, ["R1", "R7"])]);
    expect(plan).toEqual([
      { kind: "record", id: "R1" },
      { kind: "record", id: "R7" },
    ]);
  });

  test("half of the ids needed is enough", () => {
    const plan = planRecordFetches([pkg("curl", ["A", "B", "C", "D"], ["A", "B"])]);
    expect(plan.map((fetch) => fetch.kind)).toEqual(["package"]);
  });

  test("shared id is fetched once", () => {
    const plan = planRecordFetches([pkg("gzip", ["X"], ["X"]), pkg("xz-utils", ["X"], ["X"])]);
    expect(plan).toEqual([{ kind: "record", id: "X" }]);
  });

  test("id covered by a package query gets no GET", () => {
    const plan = planRecordFetches([
      pkg("systemd", ["S1", "S2", "X"], ["S1", "S2", "X"]),
      pkg("unbound", ["X"], ["X"]),
    ]);
    expect(plan.map((fetch) => fetch.kind)).toEqual(["package"]);
  });

  test("nothing needed plans nothing", () => {
    expect(planRecordFetches([pkg("bash", ["A", "B"], [])])).toEqual([]);
  });
});
