// Wikidata Image Positions: drawing a region on the image and saving it, for logged-in users.
// No framework, nothing from elsewhere: the page must also work where only this tool is
// reachable. The page shows every existing region without this script.
//
// Flow: "Draw a region" → drag across the image (pointer events) → choose what the region
// shows (a depicted thing without a region, another item, unknown value, no value) → Save:
// a new statement first if needed (POST /api/v1/add_statement/{domain}), then the region
// qualifier (POST /api/v2/add_qualifier/{domain}). Both send the page's CSRF token in the
// X-CSRF-Token header. Texts come from the page (data-msg-* attributes, in the user's
// language). A refusal (JSON, or the platform's error page) is shown with the drawn region,
// which stays in the form so nothing is lost.
( function () {
	'use strict';

	var SVG = 'http://www.w3.org/2000/svg';

	// A percentage as the original tool sent it: the browser's CSS serialisation, which keeps
	// 6 significant digits (12.345678 → 12.3457).
	function percent( value ) {
		var clamped = Math.min( 100, Math.max( 0, value ) );
		return String( Number( clamped.toPrecision( 6 ) ) );
	}

	// Why a request was refused: the endpoints' JSON error, the message of the platform's
	// error page (CSRF and cross-origin refusals), or the text of any other answer.
	function reason( response ) {
		return response.text().then( function ( text ) {
			try {
				var json = JSON.parse( text );
				if ( json.error && json.error.info ) {
					return json.error.info;
				}
			} catch ( notJson ) {
				// An error page: its message is read below.
			}
			var html = new DOMParser().parseFromString( text, 'text/html' );
			var message = html.querySelector( '.error p' );
			return ( message ? message.textContent : text ).trim() || String( response.status );
		} );
	}

	function post( path, csrfToken, fields ) {
		return fetch( path, {
			method: 'POST',
			credentials: 'same-origin',
			headers: {
				'Content-Type': 'application/x-www-form-urlencoded',
				'X-CSRF-Token': csrfToken
			},
			body: new URLSearchParams( fields ).toString()
		} ).then( function ( response ) {
			if ( response.ok ) {
				return response.json();
			}
			return reason( response ).then( function ( text ) {
				throw new Error( text );
			} );
		} );
	}

	function setUp( editor ) {
		var data = editor.dataset;
		var frame = document.querySelector( '.image-frame' );
		var svg = frame && frame.querySelector( 'svg.regions' );
		var start = editor.querySelector( '.draw-start' );
		var form = editor.querySelector( 'form.region-form' );
		var output = form.querySelector( 'output.region-text' );
		var status = editor.querySelector( '.editor-status' );
		if ( !svg ) {
			return;
		}
		var drawing = false;
		var origin = null;
		var drawn = null;
		var region = null;

		function say( text, failed ) {
			status.textContent = text;
			status.classList.toggle( 'failed', Boolean( failed ) );
		}

		// The pointer's position in percent of the image.
		function position( event ) {
			var box = frame.getBoundingClientRect();
			return {
				x: 100 * ( event.clientX - box.left ) / box.width,
				y: 100 * ( event.clientY - box.top ) / box.height
			};
		}

		function show( from, to ) {
			var left = Math.max( 0, Math.min( from.x, to.x ) );
			var top = Math.max( 0, Math.min( from.y, to.y ) );
			var right = Math.min( 100, Math.max( from.x, to.x ) );
			var bottom = Math.min( 100, Math.max( from.y, to.y ) );
			region = [ left, top, right - left, bottom - top ].map( percent );
			drawn.setAttribute( 'x', region[ 0 ] + '%' );
			drawn.setAttribute( 'y', region[ 1 ] + '%' );
			drawn.setAttribute( 'width', region[ 2 ] + '%' );
			drawn.setAttribute( 'height', region[ 3 ] + '%' );
		}

		function stopDrawing() {
			drawing = false;
			origin = null;
			frame.classList.remove( 'drawing' );
		}

		function discard() {
			stopDrawing();
			if ( drawn ) {
				drawn.remove();
				drawn = null;
			}
			region = null;
			form.hidden = true;
			say( '' );
		}

		start.hidden = false;
		start.querySelector( 'button' ).addEventListener( 'click', function () {
			discard();
			drawing = true;
			frame.classList.add( 'drawing' );
			say( data.msgDrawing );
		} );

		frame.addEventListener( 'pointerdown', function ( event ) {
			if ( !drawing ) {
				return;
			}
			event.preventDefault();
			origin = position( event );
			if ( !drawn ) {
				drawn = document.createElementNS( SVG, 'rect' );
				drawn.setAttribute( 'class', 'drawn' );
				svg.appendChild( drawn );
			}
			show( origin, origin );
		} );
		document.addEventListener( 'pointermove', function ( event ) {
			if ( drawing && origin ) {
				show( origin, position( event ) );
			}
		} );
		document.addEventListener( 'pointerup', function ( event ) {
			if ( !drawing || !origin ) {
				return;
			}
			show( origin, position( event ) );
			stopDrawing();
			if ( Number( region[ 2 ] ) === 0 || Number( region[ 3 ] ) === 0 ) {
				discard();
				return;
			}
			output.textContent = 'pct:' + region.join( ',' );
			form.hidden = false;
			say( data.msgChoose );
		} );

		form.querySelector( 'button.cancel' ).addEventListener( 'click', discard );

		form.addEventListener( 'submit', function ( event ) {
			event.preventDefault();
			var choice = form.querySelector( 'input[name=target]:checked' );
			if ( !choice || !region ) {
				return;
			}
			var iiifRegion = 'pct:' + region.join( ',' );
			var base = '/api/';
			var statement;
			if ( choice.value === 'statement' ) {
				statement = Promise.resolve( {
					statement_id: choice.dataset.statementId,
					qualifier_hash: choice.dataset.qualifierHash,
					item_id: choice.dataset.itemId,
					label: choice.dataset.label
				} );
			} else {
				var fields = { entity_id: data.entityId, snaktype: choice.value === 'item' ? 'value' : choice.value };
				if ( choice.value === 'item' ) {
					fields.item_id = form.elements.item_id.value;
				}
				statement = post( base + 'v1/add_statement/' + data.domain, data.csrfToken, fields )
					.then( function ( answer ) {
						return {
							statement_id: answer.depicted.statement_id,
							item_id: answer.depicted.item_id,
							label: answer.depicted.label.value
						};
					} );
			}
			Array.prototype.forEach.call( form.elements, function ( element ) {
				element.disabled = true;
			} );
			say( data.msgSaving );
			statement.then( function ( target ) {
				var fields = { statement_id: target.statement_id, iiif_region: iiifRegion };
				if ( target.qualifier_hash ) {
					fields.qualifier_hash = target.qualifier_hash;
				}
				return post( base + 'v2/add_qualifier/' + data.domain, data.csrfToken, fields )
					.then( function () {
						return target;
					} );
			} ).then( function ( target ) {
				keep( target );
				say( data.msgSaved );
			}, function ( error ) {
				say( data.msgFailed + ' ' + error.message + ' (' + iiifRegion + ')', true );
			} ).then( function () {
				Array.prototype.forEach.call( form.elements, function ( element ) {
					element.disabled = false;
				} );
			} );
		} );

		// The saved region becomes one of the image's regions; its thing leaves the list of
		// things without one.
		function keep( target ) {
			var group = document.createElementNS( SVG, target.item_id ? 'a' : 'g' );
			group.setAttribute( 'class', 'region' );
			group.dataset.statementId = target.statement_id;
			if ( target.item_id ) {
				group.setAttribute( 'href', 'https://www.wikidata.org/wiki/Special:EntityPage/' + target.item_id );
			}
			var rect = document.createElementNS( SVG, 'rect' );
			var text = document.createElementNS( SVG, 'text' );
			[ 'x', 'y', 'width', 'height' ].forEach( function ( name, index ) {
				rect.setAttribute( name, region[ index ] + '%' );
			} );
			text.setAttribute( 'x', region[ 0 ] + '%' );
			text.setAttribute( 'y', region[ 1 ] + '%' );
			text.setAttribute( 'dx', '0.3em' );
			text.setAttribute( 'dy', '1.2em' );
			text.textContent = target.label;
			group.appendChild( rect );
			group.appendChild( text );
			svg.appendChild( group );
			document.querySelectorAll( '.without-region li' ).forEach( function ( item ) {
				if ( item.dataset.statementId === target.statement_id ) {
					item.remove();
				}
			} );
			form.querySelectorAll( 'input[name=target]' ).forEach( function ( input ) {
				if ( input.dataset.statementId === target.statement_id ) {
					input.parentNode.remove();
				}
			} );
			drawn.remove();
			drawn = null;
			region = null;
			form.hidden = true;
		}
	}

	document.addEventListener( 'DOMContentLoaded', function () {
		document.querySelectorAll( 'section.editor' ).forEach( setUp );
	} );
}() );
