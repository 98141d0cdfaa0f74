// Re-exports of this folder (filled in as the folder grows).
export {};
