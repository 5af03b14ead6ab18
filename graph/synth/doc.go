// Package synth generates a synthetic world of diplomatic representation,
// of any size from a thousand relations up, for benchmarks and load tests.
// Nothing in it is real: every name is built from syllables, every date is
// drawn at random, every entity carries the attribute synthetic: "true",
// and every entity and relation cites Source(seed), the document "Chancery
// synthetic world". No id of a synthetic entity is the id of a curated one
// (a test holds this for the built-in seeds), but load a synthetic world
// into a store of its own all the same.
//
// The world is a function of Options alone: the same size and seed give the
// same items in the same order on every run and platform (math/rand/v2's
// PCG, seeded from Options.Seed, with integer weights). Generate streams it,
// entities before the relations that refer to them, and holds only the
// frame (states, cities, organisations) and a few tables per pair of
// states: ten million relations took about fourteen seconds of one core and
// under 40 MB of memory where this was written.
//
// # What the world holds
//
// The frame comes first, and never takes more than half of the relations:
//
//   - About 200 countries (fewer below 10,000 relations), a few of them
//     former ones that ceased between 1945 and 1995 and passed their cities
//     to a successor; two in five became states after 1900. One, the "See of
//     ...", sends nunciatures. Countries and territories have ISO 3166-1
//     alpha-3 codes from the range reserved for users (QMA to QZZ), and some
//     countries an alias ("Republic of Valdoria").
//   - Up to 50 territories, each PART_OF a country (one in five passed from
//     another country, with dated PART_OF on both sides).
//   - Cities: a capital for every state, plus one more for every 400
//     relations, mostly in prominent states; each LOCATED_IN its state.
//   - Up to 30 international organisations (a universal one, a commonwealth
//     whose members exchange high commissions, regional ones, one defunct)
//     with MEMBER_OF from their members, and up to 16 agencies that act for
//     prominent countries where they have no official relations (as the
//     American Institute in Taiwan does), REPRESENTED_BY from their country
//     in one to three hosts.
//   - DIPLOMATIC_RELATIONS between up to 60% of the pairs of countries,
//     prominent pairs first; about one pair in ten broke relations, most
//     restoring them later under a new period.
//   - A few conventions with many parties and up to 40 bilateral treaties,
//     with PARTY_TO.
//
// Missions fill the rest. Senders and hosts are drawn with Zipf-like skew
// (weights about (k+2)^-1.5 for senders and (k+2)^-1.25 for hosts, by
// prominence rank k), so at a million relations the top sender has about
// 40,000 missions, the next few ten to thirty thousand, and the median one
// about 200. Each mission is SENT_BY
// its sender, ACCREDITS_TO its host and LOCATED_IN a city of the host (or
// the headquarters of an organisation), over the mission's own period: about
// 80% are dated, from 1900 to 2024, some closed, all within the lives of
// sender and host. Embassies and consular posts make most of them; then
// permanent missions to organisations, delegations of organisations,
// legations (mostly before 1966), and de facto offices (liaison, representative, trade, cultural;
// official=false), often REPRESENTED_BY their state in the host and
// OPERATED_BY its agency. One embassy in ten is accredited to up to three
// further countries; some missions have HEADED_BY heads of mission (a new
// PERSON each, with a role and a term); consular posts in territories and
// residual missions REPORTS_TO their sender.
//
// Now and then a mission comes with a story (each new name or status a new
// entity, linked to the one before on the day the old one's period ends and
// the new one's begins):
//
//   - renamed one to three times, RENAMED_FROM its former name;
//   - a legation or liaison office that became an embassy, or a consulate
//     that became a consulate-general, UPGRADED_FROM what it was;
//   - an embassy reduced to a liaison office, residual mission or
//     consulate-general, DOWNGRADED_FROM the embassy;
//   - when a country ceased, the embassy in (or of) its successor that
//     REPLACES the embassy in (or of) the former country;
//   - during a break in the relations of two countries, a protecting power
//     that PROTECTS one in the other, and the protected country's interests
//     section, SECTION_OF the power's embassy there;
//   - a liaison or representative office ESTABLISHED_UNDER a bilateral
//     treaty between its sender and host.
//
// Exactly Options.Relations relations are generated: the last mission may be
// cut short of its city or host to land on the number. No relation is stated
// twice, no entity id repeats, and everything passes the validation of
// graph and of the store, so that a world can be applied to a store in
// batches as it streams.
package synth
