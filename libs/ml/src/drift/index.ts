// Drift statistics and streaming summaries (issue 7).
export {};
