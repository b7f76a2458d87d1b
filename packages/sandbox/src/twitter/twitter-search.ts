import { findUser, type TwitterState, type TwitterTweet } from './twitter-state.js';

/** A query the emulator does not understand (answered with 400, as the API answers bad queries). */
export class SearchQueryError extends Error {}

/** One term of a query: a keyword, a phrase or an operator, possibly negated with `-`. */
export interface SearchTerm {
  readonly negated: boolean;
  readonly kind:
    | 'keyword'
    | 'phrase'
    | 'from'
    | 'to'
    | 'mention'
    | 'hashtag'
    | 'is'
    | 'has'
    | 'conversation_id';
  readonly value: string;
}

/** A parsed query: alternatives (`OR`) of conjunctions (terms side by side). */
export type SearchQuery = readonly (readonly SearchTerm[])[];

const IS_VALUES = new Set(['retweet', 'reply', 'quote']);
const HAS_VALUES = new Set(['mentions', 'hashtags']);

/**
 * Parses the subset of the search query language the emulator supports: keywords, "exact
 * phrases", `from:`, `to:`, `@mention`, `#hashtag`, `is:retweet|reply|quote`,
 * `has:mentions|hashtags`, `conversation_id:`, negation with `-`, and `OR` (AND binds tighter).
 */
export function parseSearchQuery(query: string): SearchQuery {
  const tokens = [...query.matchAll(/-?"[^"]*"|\S+/g)].map((match) => match[0]);
  const alternatives: SearchTerm[][] = [[]];
  for (const token of tokens) {
    if (token === 'OR') {
      if ((alternatives.at(-1) as SearchTerm[]).length === 0)
        throw new SearchQueryError('OR needs a term on both sides');
      alternatives.push([]);
      continue;
    }
    if (token.startsWith('(') || token.endsWith(')')) {
      throw new SearchQueryError('grouping with parentheses is not supported by the sandbox');
    }
    (alternatives.at(-1) as SearchTerm[]).push(parseTerm(token));
  }
  if (alternatives.some((terms) => terms.length === 0)) throw new SearchQueryError('the query is incomplete');
  for (const terms of alternatives) {
    if (terms.every((term) => term.negated)) {
      throw new SearchQueryError('a query must contain at least one positive (non-negated) term');
    }
  }
  return alternatives;
}

function parseTerm(token: string): SearchTerm {
  const negated = token.startsWith('-') && token.length > 1;
  const body = negated ? token.slice(1) : token;
  if (body.startsWith('"')) {
    const phrase = body.slice(1, -1).toLowerCase();
    if (phrase === '') throw new SearchQueryError('an exact phrase cannot be empty');
    return { negated, kind: 'phrase', value: phrase };
  }
  if (body.startsWith('@') && body.length > 1)
    return { negated, kind: 'mention', value: body.slice(1).toLowerCase() };
  if (body.startsWith('#') && body.length > 1)
    return { negated, kind: 'hashtag', value: body.slice(1).toLowerCase() };
  const colon = body.indexOf(':');
  if (colon > 0) {
    const operator = body.slice(0, colon);
    const value = body.slice(colon + 1).toLowerCase();
    if (value === '') throw new SearchQueryError(`the operator '${operator}:' needs a value`);
    switch (operator) {
      case 'from':
      case 'to':
      case 'conversation_id':
        return { negated, kind: operator, value: value.replace(/^@/, '') };
      case 'is':
        if (!IS_VALUES.has(value))
          throw new SearchQueryError(`'is:${value}' is not supported (is:retweet, is:reply, is:quote)`);
        return { negated, kind: 'is', value };
      case 'has':
        if (!HAS_VALUES.has(value))
          throw new SearchQueryError(`'has:${value}' is not supported (has:mentions, has:hashtags)`);
        return { negated, kind: 'has', value };
      default:
        if (/^[a-z_]+$/.test(operator))
          throw new SearchQueryError(`Reference to invalid operator '${operator}'`);
    }
  }
  return { negated, kind: 'keyword', value: body.toLowerCase() };
}

function matchesTerm(state: TwitterState, tweet: TwitterTweet, term: SearchTerm): boolean {
  const text = tweet.text.toLowerCase();
  switch (term.kind) {
    case 'keyword':
      return text.split(/[^\p{L}\p{N}_#@']+/u).includes(term.value) || text.includes(term.value);
    case 'phrase':
      return text.includes(term.value);
    case 'from': {
      const author = findUser(state, tweet.authorId);
      return (
        author !== undefined && (author.username.toLowerCase() === term.value || author.id === term.value)
      );
    }
    case 'to': {
      const target = tweet.inReplyToUserId === undefined ? undefined : findUser(state, tweet.inReplyToUserId);
      return (
        target !== undefined && (target.username.toLowerCase() === term.value || target.id === term.value)
      );
    }
    case 'mention':
      return tweet.mentions.some((mention) => mention.toLowerCase() === term.value);
    case 'hashtag':
      return tweet.hashtags.some((hashtag) => hashtag.toLowerCase() === term.value);
    case 'conversation_id':
      return tweet.conversationId === term.value;
    case 'has':
      return term.value === 'mentions' ? tweet.mentions.length > 0 : tweet.hashtags.length > 0;
    case 'is': {
      const type = term.value === 'retweet' ? 'retweeted' : term.value === 'reply' ? 'replied_to' : 'quoted';
      return tweet.referencedTweets.some((reference) => reference.type === type);
    }
  }
}

/** Whether a tweet matches a parsed query. */
export function matchesQuery(state: TwitterState, tweet: TwitterTweet, query: SearchQuery): boolean {
  return query.some((terms) => terms.every((term) => matchesTerm(state, tweet, term) !== term.negated));
}
