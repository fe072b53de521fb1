/*
 * codename: the two-word names ("amber-heron") that stand for a case in
 * subjects, logs and the committee's talk, so that nobody has to write a
 * reporter's or a reported person's name.  The words come from two lists
 * kept here: the first of colours, weather, textures and landscapes, the
 * second of birds, trees, waters, minerals and plants.  Both were picked
 * to read as neutral in any pairing: nothing that could insult, or touch
 * on violence, sex, bodies, skin, ethnicity, religion, gender or mental
 * health.  Add words with care; test-codename holds a list of words that
 * must never appear.  Lower-case a-z only, unique within each list.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "codename.h"
#include "crypto.h"

static const char *const codename_first[] = {
	/* colours */
	"amber", "aqua", "azure", "bronze", "burgundy", "cerise", "cerulean",
	"chartreuse", "cobalt", "copper", "coral", "cornflower", "crimson",
	"cyan", "denim", "emerald", "fuchsia", "golden", "indigo", "jade",
	"khaki", "lilac", "lime", "magenta", "mauve", "mint", "mustard",
	"navy", "ochre", "pewter", "platinum", "plum", "ruby", "russet",
	"rust", "sage", "sapphire", "sepia", "sienna", "silver", "slate",
	"steel", "tangerine", "taupe", "teal", "topaz", "umber", "vermilion",
	"violet", "viridian", "wisteria", "celadon", "carmine", "damask",
	"ecru", "heliotrope", "linen", "lapis", "nutmeg", "opal",
	"periwinkle", "pistachio", "quince", "sandy", "seafoam", "smoky",
	"sorrel", "ultramarine", "verdant", "verdigris",
	/* weather and sky */
	"sunny", "misty", "foggy", "rainy", "snowy", "stormy", "cloudy",
	"frosty", "breezy", "hazy", "dewy", "icy", "drizzly", "gusty",
	"mild", "clear", "wintry", "vernal", "autumnal", "summery", "humid",
	"arid", "polar", "tropic", "thundery", "starry", "sunlit", "moonlit",
	"starlit", "lunar", "solar", "stellar", "sleety", "cloudless",
	"windswept", "snowbound", "misted", "showery", "blustery", "squally",
	"tranquil",
	/* textures, finishes and light */
	"silky", "velvet", "satin", "woolly", "mossy", "grainy", "glassy",
	"pebbly", "fuzzy", "crisp", "glossy", "matte", "polished",
	"burnished", "frosted", "gilded", "woven", "knitted", "braided",
	"quilted", "dappled", "speckled", "striped", "mottled", "marbled",
	"rippled", "fluted", "ridged", "tufted", "feathered", "leafy",
	"ferny", "grassy", "piney", "briny", "silken", "wooden", "woolen",
	"felted", "lacquered", "tiled", "cobbled", "gravelly", "chalky",
	"flinty", "stony", "rocky", "craggy", "pebbled", "varnished",
	"etched", "embossed", "beaded", "spun", "plaited", "corded",
	"pleated", "crinkled", "creased", "frilled", "scalloped", "fringed",
	"tasseled", "brushed", "hewn", "carved", "molten", "glazed",
	"ceramic", "crystal", "prismatic", "opaline", "nacreous",
	"iridescent", "lustrous", "shimmering", "gleaming", "glowing",
	"radiant", "luminous", "lucent", "twinkling", "sparkling",
	"glinting", "shining", "flickering",
	/* sounds and motion */
	"humming", "rustling", "whistling", "chiming", "ringing", "drifting",
	"gliding", "soaring", "rolling", "flowing", "winding", "wandering",
	"meandering", "swirling", "hovering", "floating", "sailing",
	"bubbling", "trickling", "splashing", "tumbling", "swaying",
	"fluttering", "echoing",
	/* landscapes */
	"alpine", "coastal", "upland", "lowland", "highland", "inland",
	"woodland", "seaside", "lakeside", "hillside", "boreal", "arctic",
	"temperate", "maritime", "rustic", "sylvan", "floral", "herbal",
	"mineral", "oceanic", "tidal", "littoral", "fluvial", "glacial",
	"volcanic", "cosmic", "orbital",
	/* times and seasons */
	"dawn", "dusk", "twilight", "morning", "evening", "midday", "early",
	"autumn", "winter", "summer", "seasonal", "solstice", "equinox",
	/* pace and manner */
	"brisk", "nimble", "steady", "gentle", "quiet", "tidy", "keen",
	"swift",
	/* shapes */
	"spiral", "coiled", "arched", "oval", "conical", "circular",
	"angular", "hexagonal", "cubic", "radial", "looping", "zigzag",
	"wavy", "forked", "branching", "tapered", "domed",
	/* places and things used as modifiers */
	"fresh", "sunrise", "sunset", "harbor", "meadow", "orchard",
	"garden",
	/* small things */
	"cinder", "ember", "lantern", "paper", "canvas",
};

static const char *const codename_second[] = {
	/* birds */
	"heron", "egret", "ibis", "plover", "lapwing", "curlew", "dunlin",
	"sandpiper", "kestrel", "falcon", "osprey", "kite", "merlin", "jay",
	"lark", "pipit", "warbler", "starling", "sparrow", "linnet",
	"siskin", "bunting", "dipper", "kingfisher", "puffin", "petrel",
	"tern", "auk", "grebe", "crane", "stork", "pelican", "flamingo",
	"avocet", "oriole", "tanager", "vireo", "kinglet", "waxwing",
	"redstart", "stonechat", "whinchat", "chiffchaff", "goldcrest",
	"chaffinch", "goldfinch", "hawfinch", "crossbill", "swan", "eider",
	"wigeon", "pintail", "shoveler", "mallard", "gadwall", "merganser",
	"smew", "partridge", "ptarmigan", "condor", "eagle", "hawk", "owl",
	"emu", "toucan", "hoopoe", "sunbird", "weaver", "bulbul", "lorikeet",
	"macaw", "junco", "towhee", "sanderling", "turnstone", "whimbrel",
	"fulmar", "shearwater", "cormorant", "bittern", "spoonbill",
	"jacana", "crake", "trogon", "quetzal", "motmot", "barbet",
	"tinamou", "cotinga", "pitta", "fantail", "robin", "wren", "finch",
	"nightjar",
	/* trees */
	"oak", "ash", "elm", "birch", "alder", "aspen", "beech", "cedar",
	"cypress", "fir", "hazel", "holly", "juniper", "larch", "linden",
	"maple", "pine", "poplar", "rowan", "spruce", "sycamore", "willow",
	"hawthorn", "hornbeam", "acacia", "baobab", "banyan", "magnolia",
	"laurel", "myrtle", "walnut", "chestnut", "catalpa", "sequoia",
	"redwood", "teak", "sandalwood", "tamarind", "wattle", "jacaranda",
	"ginkgo", "tupelo", "sassafras", "hickory", "pecan", "ironwood",
	"boxwood", "mulberry", "elder",
	/* water and land */
	"river", "brook", "creek", "stream", "rill", "beck", "fjord",
	"delta", "estuary", "lagoon", "cove", "bay", "inlet", "marsh", "fen",
	"pond", "lake", "tarn", "loch", "spring", "geyser", "rapids",
	"cascade", "waterfall", "eddy", "current", "tide", "wave", "ripple",
	"shoal", "reef", "atoll", "isle", "island", "cape", "headland",
	"dune", "mesa", "canyon", "gorge", "ravine", "valley", "glen",
	"dale", "prairie", "steppe", "tundra", "taiga", "savanna", "heath",
	"grove", "thicket", "glade", "ridge", "summit", "peak", "crag",
	"cliff", "bluff", "knoll", "hill", "hollow", "cavern", "grotto",
	/* minerals */
	"quartz", "feldspar", "mica", "garnet", "beryl", "agate", "jasper",
	"onyx", "obsidian", "basalt", "granite", "marble", "shale", "chert",
	"gneiss", "pumice", "talc", "gypsum", "calcite", "fluorite",
	"pyrite", "galena", "malachite", "azurite", "hematite", "magnetite",
	"olivine", "zircon", "tourmaline", "spinel", "corundum", "cinnabar",
	"apatite", "rutile", "barite", "amethyst", "peridot", "citrine",
	"moonstone", "sunstone",
	/* flowers and herbs */
	"fern", "moss", "lichen", "clover", "thistle", "heather", "bracken",
	"yarrow", "lupin", "aster", "daisy", "tulip", "poppy", "crocus",
	"bluebell", "foxglove", "primrose", "snowdrop", "marigold", "peony",
	"dahlia", "zinnia", "camellia", "azalea", "jasmine", "thyme",
	"basil", "fennel",
	/* sky */
	"comet", "nova", "nebula", "quasar", "pulsar", "aurora", "zenith",
	"meteor", "horizon", "cirrus", "cumulus", "stratus", "nimbus",
	"breeze",
	/* other animals */
	"marten", "hare", "lynx", "ermine", "bison", "elk", "moose", "ibex",
	"gazelle", "panda", "koala", "lemur", "dolphin", "seal", "narwhal",
	"salmon", "marlin",
};

#define CODENAME_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *const	*words;
	size_t			 nwords;
} codename_lists[] = {
	{ codename_first, CODENAME_NELEM(codename_first) },
	{ codename_second, CODENAME_NELEM(codename_second) }
};

/* 1 if the len bytes at s are a word of list which. */
static int
codename_in(int which, const char *s, size_t len)
{
	const char *const	*w = codename_lists[which].words;
	size_t			 i;

	for (i = 0; i < codename_lists[which].nwords; i++)
		if (strncmp(w[i], s, len) == 0 && w[i][len] == '\0')
			return 1;
	return 0;
}

static const char *
codename_draw(int which)
{
	uint32_t	n = (uint32_t)codename_lists[which].nwords;

	return codename_lists[which].words[crypto_random_uniform(n)];
}

void
codename_new(char *buf, size_t size)
{
	const char	*first, *second;

	first = codename_draw(0);
	second = codename_draw(1);
	(void)snprintf(buf, size, "%s-%s", first, second);
}

void
codename_new_numbered(char *buf, size_t size, unsigned max)
{
	const char	*first, *second;
	unsigned	 n;

	if (max < 2)
		max = 2;
	first = codename_draw(0);
	second = codename_draw(1);
	n = 2 + crypto_random_uniform(max - 1);
	(void)snprintf(buf, size, "%s-%s-%u", first, second, n);
}

/* 1 if s (len bytes) is a number from 2 to 9999, no leading zero. */
static int
codename_number(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > 4 || s[0] == '0' || (len == 1 && s[0] == '1'))
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
codename_valid(const char *s)
{
	const char	*dash, *num;
	size_t		 len;

	if (s == NULL || (len = strlen(s)) >= CODENAME_MAX ||
	    (dash = strchr(s, '-')) == NULL)
		return 0;
	if ((num = strchr(dash + 1, '-')) != NULL) {
		if (!codename_number(num + 1, len - (size_t)(num + 1 - s)))
			return 0;
		len = (size_t)(num - s);
	}
	return codename_in(0, s, (size_t)(dash - s)) &&
	    codename_in(1, dash + 1, len - (size_t)(dash - s) - 1);
}

size_t
codename_nwords(int which)
{
	if (which < 0 || (size_t)which >= CODENAME_NELEM(codename_lists))
		return 0;
	return codename_lists[which].nwords;
}
