// PagePile Visual Filter: two conveniences for the pile page, which works without them.
//
// 1. Commons' thumbnail servers answer 429 (Too Many Requests) when many thumbnails are asked
//    for at once. A thumbnail that fails is asked for again, up to four times, each retry of one
//    image later than its last (backoff), and the retries of all images spaced 100 ms apart so
//    that they do not come back as one burst. The listener is on the document, capturing (image
//    errors do not bubble), so that it also sees images added while the page streams in.
// 2. "Tick all" and "Untick all" buttons.
( function () {
	'use strict';

	var MAX_RETRIES = 4;
	var SPACING_MS = 100;
	var earliestRetry = 0;

	document.addEventListener( 'error', function ( event ) {
		var img = event.target;
		if ( !( img instanceof HTMLImageElement ) ) {
			return;
		}
		var retries = Number( img.dataset.retries || '0' );
		if ( retries >= MAX_RETRIES ) {
			return;
		}
		img.dataset.retries = String( retries + 1 );
		var now = performance.now();
		var backoff = 500 * Math.pow( 2, retries );
		earliestRetry = Math.max( earliestRetry + SPACING_MS, now + backoff );
		setTimeout( function () {
			// Setting the attribute again makes the browser load the image again.
			img.setAttribute( 'src', img.getAttribute( 'src' ) );
		}, earliestRetry - now );
	}, true );

	document.addEventListener( 'DOMContentLoaded', function () {
		var selection = document.querySelector( '.selection' );
		if ( !selection ) {
			return;
		}
		selection.hidden = false;
		selection.addEventListener( 'click', function ( event ) {
			var tick = event.target.dataset && event.target.dataset.tick;
			if ( !tick ) {
				return;
			}
			document.querySelectorAll( 'ul.files input[type=checkbox]' ).forEach( function ( box ) {
				box.checked = tick === 'all';
			} );
		} );
	} );
}() );
