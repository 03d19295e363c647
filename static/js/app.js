// Site-wide behaviour that needs no data from the page. Loaded on every page.
"use strict";
