/** A rerank as the gateway sends it to an adapter: the documents as plain texts. */
export interface RerankParams {
  model: string;
  query: string;
  documents: string[];
  /** How many of the best results to return (all when absent). */
  top_n?: number;
}

/** One ranked document: its index in the request's `documents`, most relevant first. */
export interface RerankResult {
  index: number;
  relevance_score: number;
}

/** A provider's rerank answer, with the search units it billed (what the call is charged). */
export interface RerankResponse {
  id: string;
  results: RerankResult[];
  /** Search units billed; the adapter falls back to its own count when the provider reports none. */
  searchUnits: number;
}
