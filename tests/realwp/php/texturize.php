<?php
/**
 * WordPress's own wptexturize() on each string of a JSON list read from standard input, without a
 * site: translations are WordPress's English defaults and no filter is hooked. The strings are
 * plain text (escaped before, decoded after); prints the JSON list of the results.
 */
function _x($text, $context) {
	return $text;
}
function apply_filters($name, $value) {
	return $value;
}
$shortcode_tags = [];
require '/usr/share/wordpress/wp-includes/formatting.php';

$rendered = [];
foreach (json_decode(file_get_contents('php://stdin'), true) as $text) {
	$html       = wptexturize(htmlspecialchars($text, ENT_NOQUOTES, 'UTF-8'));
	$rendered[] = html_entity_decode($html, ENT_QUOTES | ENT_HTML5, 'UTF-8');
}
echo json_encode($rendered, JSON_UNESCAPED_UNICODE);
