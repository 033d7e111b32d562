<?php
/**
 * Plugin Name: REST API for members only
 * Description: Anonymous requests to the REST API answer 401, as security plugins make them.
 */
add_filter('rest_authentication_errors', function ($result) {
	if (!empty($result) || is_user_logged_in()) {
		return $result;
	}
	return new WP_Error('rest_login_required', 'Only members may use the REST API.', ['status' => 401]);
});
