// ISO 3166-1 alpha-3 codes (what the API gives as Country.iso3 and
// Territory.iso3) to ISO 3166-1 numeric codes (what world-atlas names its
// shapes by), so the map can find each country's shape. Geography, not
// data about representation: generated from the country-codes data set
// (github.com/datasets/country-codes, public domain) in seeds/datasets/country-codes.
// The API does not give the numeric code; when it does, this table can go.

export const isoNumeric: Readonly<Record<string, string>> = {
  ABW: "533", AFG: "004", AGO: "024", AIA: "660", ALA: "248", ALB: "008", AND: "020", ARE: "784", ARG: "032",
  ARM: "051", ASM: "016", ATA: "010", ATF: "260", ATG: "028", AUS: "036", AUT: "040", AZE: "031", BDI: "108",
  BEL: "056", BEN: "204", BES: "535", BFA: "854", BGD: "050", BGR: "100", BHR: "048", BHS: "044", BIH: "070",
  BLM: "652", BLR: "112", BLZ: "084", BMU: "060", BOL: "068", BRA: "076", BRB: "052", BRN: "096", BTN: "064",
  BVT: "074", BWA: "072", CAF: "140", CAN: "124", CCK: "166", CHE: "756", CHL: "152", CHN: "156", CIV: "384",
  CMR: "120", COD: "180", COG: "178", COK: "184", COL: "170", COM: "174", CPV: "132", CRI: "188", CUB: "192",
  CUW: "531", CXR: "162", CYM: "136", CYP: "196", CZE: "203", DEU: "276", DJI: "262", DMA: "212", DNK: "208",
  DOM: "214", DZA: "012", ECU: "218", EGY: "818", ERI: "232", ESH: "732", ESP: "724", EST: "233", ETH: "231",
  FIN: "246", FJI: "242", FLK: "238", FRA: "250", FRO: "234", FSM: "583", GAB: "266", GBR: "826", GEO: "268",
  GGY: "831", GHA: "288", GIB: "292", GIN: "324", GLP: "312", GMB: "270", GNB: "624", GNQ: "226", GRC: "300",
  GRD: "308", GRL: "304", GTM: "320", GUF: "254", GUM: "316", GUY: "328", HKG: "344", HMD: "334", HND: "340",
  HRV: "191", HTI: "332", HUN: "348", IDN: "360", IMN: "833", IND: "356", IOT: "086", IRL: "372", IRN: "364",
  IRQ: "368", ISL: "352", ISR: "376", ITA: "380", JAM: "388", JEY: "832", JOR: "400", JPN: "392", KAZ: "398",
  KEN: "404", KGZ: "417", KHM: "116", KIR: "296", KNA: "659", KOR: "410", KWT: "414", LAO: "418", LBN: "422",
  LBR: "430", LBY: "434", LCA: "662", LIE: "438", LKA: "144", LSO: "426", LTU: "440", LUX: "442", LVA: "428",
  MAC: "446", MAF: "663", MAR: "504", MCO: "492", MDA: "498", MDG: "450", MDV: "462", MEX: "484", MHL: "584",
  MKD: "807", MLI: "466", MLT: "470", MMR: "104", MNE: "499", MNG: "496", MNP: "580", MOZ: "508", MRT: "478",
  MSR: "500", MTQ: "474", MUS: "480", MWI: "454", MYS: "458", MYT: "175", NAM: "516", NCL: "540", NER: "562",
  NFK: "574", NGA: "566", NIC: "558", NIU: "570", NLD: "528", NOR: "578", NPL: "524", NRU: "520", NZL: "554",
  OMN: "512", PAK: "586", PAN: "591", PCN: "612", PER: "604", PHL: "608", PLW: "585", PNG: "598", POL: "616",
  PRI: "630", PRK: "408", PRT: "620", PRY: "600", PSE: "275", PYF: "258", QAT: "634", REU: "638", ROU: "642",
  RUS: "643", RWA: "646", SAU: "682", SDN: "729", SEN: "686", SGP: "702", SGS: "239", SHN: "654", SJM: "744",
  SLB: "090", SLE: "694", SLV: "222", SMR: "674", SOM: "706", SPM: "666", SRB: "688", SSD: "728", STP: "678",
  SUR: "740", SVK: "703", SVN: "705", SWE: "752", SWZ: "748", SXM: "534", SYC: "690", SYR: "760", TCA: "796",
  TCD: "148", TGO: "768", THA: "764", TJK: "762", TKL: "772", TKM: "795", TLS: "626", TON: "776", TTO: "780",
  TUN: "788", TUR: "792", TUV: "798", TWN: "158", TZA: "834", UGA: "800", UKR: "804", UMI: "581", URY: "858",
  USA: "840", UZB: "860", VAT: "336", VCT: "670", VEN: "862", VGB: "092", VIR: "850", VNM: "704", VUT: "548",
  WLF: "876", WSM: "882", YEM: "887", ZAF: "710", ZMB: "894", ZWE: "716",
};
