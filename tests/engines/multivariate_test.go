package engines_test

// multivariateQueries are multivariate drift queries over the golden families' binary model and
// its two features (a text segment with a number size), keeping one component (of two: two
// would reconstruct every row, to rounding error): per hour with every output, over the range,
// and per segment. The first day is the reference.
var multivariateQueries = []struct{ name, json string }{
	{"multivariate hourly, every output", `{"queryType":"multivariate","model":"cls","interval":"1h","components":1,
		"metrics":["reconstruction_error","sampling_error","lower","upper","threshold_lower","threshold_upper","drifted"],
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
	{"multivariate, one component, numeric", `{"queryType":"multivariate","model":"cls","components":1,"format":"numeric","features":["size","segment"],
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
	{"multivariate grouped by segment", `{"queryType":"multivariate","model":"cls","interval":"6h","groupBy":"segment","components":0.3,
		"reference":{"type":"range","from":"2026-03-01T00:00:00Z","to":"2026-03-02T00:00:00Z"}}`},
}
