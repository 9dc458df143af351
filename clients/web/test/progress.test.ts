import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { formatEta, isTerminal, jobStateLabel, percentDone, progressCounts } from "../src/client";
import { ImportJobSchema, ImportJobState, ImportProgressSchema } from "../src/gen/pos/imports/v1/import_service_pb";

describe("import progress in plain words", () => {
  it("labels every job state", () => {
    expect(jobStateLabel(ImportJobState.UNSPECIFIED)).toEqual({ label: "Not started", tone: "idle" });
    expect(jobStateLabel(ImportJobState.RUNNING).tone).toBe("running");
    expect(jobStateLabel(ImportJobState.SUCCEEDED)).toEqual({ label: "Done", tone: "done" });
    expect(jobStateLabel(ImportJobState.FAILED).tone).toBe("failed");
    expect(jobStateLabel(ImportJobState.CANCELLED).tone).toBe("cancelled");
    expect([ImportJobState.QUEUED, ImportJobState.RUNNING].some(isTerminal)).toBe(false);
  });

  it("computes the percentage and the counts", () => {
    const progress = create(ImportProgressSchema, { departmentDaysTotal: 30, departmentDaysDone: 10, salesRead: 12345n, valuesWritten: 678n });
    expect(percentDone(progress)).toBe(33);
    expect(percentDone(undefined)).toBe(0);
    expect(progressCounts(progress)[0]).toEqual({ label: "Department-days", value: "10 / 30" });
    expect(progressCounts(progress)[1]).toEqual({ label: "Sales read", value: "12,345" });
  });

  it("formats the ETA only while running", () => {
    const now = new Date("2025-03-01T10:00:00Z");
    const job = create(ImportJobSchema, {
      state: ImportJobState.RUNNING,
      progress: { estimatedEndTime: timestampFromDate(new Date("2025-03-01T10:05:00Z")) },
    });
    expect(formatEta(job, now)).toMatch(/^about 5 min left \(until \d\d:\d\d\)$/);
    job.state = ImportJobState.SUCCEEDED;
    expect(formatEta(job, now)).toBe("");
  });
});
